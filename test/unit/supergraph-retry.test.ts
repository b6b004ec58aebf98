/**
 * Retries never end the process: a listener of the schema in service that throws, or a
 * composition that throws, is logged (logger.error) and the subgraph is tried again later.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { parse } from 'graphql';
import { createLogger, type Logger } from '../../gateway/logger/index.ts';
import { createSupergraph, type SubgraphSource, type Supergraph } from '../../gateway/supergraph/index.ts';
import { createLoadContext } from '../../gateway/upstream/index.ts';
import type { SubgraphDefinition } from '../../schema/types.ts';

const LATE = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { late: String }
`);

const noClient = {
  request: () => Promise.reject(new Error('no HTTP in this test')),
  close: async () => {},
};

/** A subgraph whose first load fails, then loads `definition()`. */
function lateSource(definition: () => SubgraphDefinition): SubgraphSource & { loads: () => number } {
  let loads = 0;
  return {
    name: 'late',
    required: false,
    async load() {
      loads++;
      if (loads === 1) throw new Error('not up yet');
      return definition();
    },
    loads: () => loads,
  };
}

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { ...createLogger({ level: 'silent' }), error: (message) => void errors.push(message), errors };
}

async function waitFor(check: () => boolean, what: string) {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('supergraph retries that throw', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => void rejections.push(reason);
  let supergraph: Supergraph | undefined;
  beforeEach(() => {
    rejections.length = 0;
    process.on('unhandledRejection', onRejection);
  });
  afterEach(async () => {
    await supergraph?.stop();
    process.off('unhandledRejection', onRejection);
  });

  it('an onSchema listener that throws is logged; the schema is in service and later listeners run', async () => {
    const logger = recordingLogger();
    const source = lateSource(() => ({
      name: 'late',
      url: 'http://127.0.0.1:9/graphql',
      typeDefs: LATE,
      executor: async () => ({ data: { late: 'here' } }),
    }));
    supergraph = createSupergraph({
      subgraphs: [source],
      context: createLoadContext(noClient),
      logger,
      retryInitialDelay: 10,
    });
    supergraph.onSchema(() => {
      throw new Error('listener failed');
    });
    let told = 0;
    supergraph.onSchema(() => void told++);
    await supergraph.start();
    const sg = supergraph;
    await waitFor(() => sg.status().subgraphs[0]!.inService, 'the late subgraph to join');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(rejections, []);
    assert.equal(told, 1);
    assert.ok(sg.schema?.getQueryType()?.getFields().late);
    assert.equal(logger.errors.length, 1);
  });

  it('a composition that throws is logged and the subgraph is tried again', async () => {
    const logger = recordingLogger();
    // Not a document: composition throws instead of reporting problems.
    const source = lateSource(() => ({
      name: 'late',
      url: 'http://127.0.0.1:9/graphql',
      typeDefs: { kind: 'Nonsense' } as never,
      executor: async () => ({ data: null }),
    }));
    supergraph = createSupergraph({
      subgraphs: [source],
      context: createLoadContext(noClient),
      logger,
      retryInitialDelay: 10,
      retryMaxDelay: 20,
    });
    await supergraph.start();
    await waitFor(() => source.loads() >= 4, 'the subgraph to be loaded again after throws');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(rejections, []);
    assert.ok(logger.errors.length >= 2);
    const status = supergraph.status().subgraphs[0]!;
    assert.equal(status.inService, false);
    assert.equal(status.loaded, false);
  });
});
