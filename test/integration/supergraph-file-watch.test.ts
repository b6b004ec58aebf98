/**
 * A supergraph file served is watched (`reload.watch`): a new version put in place by an in-place
 * rewrite or by a rename is served without a restart; the same bytes again (a touch) change
 * nothing; a file that does not parse (half written) keeps the schema in service, is logged and
 * reported, and the next write is tried; an in-process subgraph that appears in a new version
 * is loaded as at startup.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { runCompose } from '../../gateway/main.ts';
import { schemaVersion } from '../../gateway/supergraph/index.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { waitFor } from '../helpers/fault-graph.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { recordingLogger } from '../helpers/logger.ts';
import {
  expectedAnswer,
  QUERY,
  type ReloadGraph,
  replaceByRename,
  rewriteInPlace,
  startReloadGraph,
} from '../helpers/reload-graph.ts';

const POLL = 100; // ms: the stat backstop, short for the test

describe('a watched supergraph file', () => {
  let graph: ReloadGraph;
  let dir: string;
  const opened: Array<{ close(): Promise<void> }> = [];
  before(async () => {
    graph = await startReloadGraph();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-file-watch-'));
  });
  after(async () => {
    for (const thing of opened.reverse()) await thing.close();
    await graph?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const serveFile = async (name: string, contents: string, input: object = {}) => {
    const file = join(dir, name);
    writeFileSync(file, contents);
    const logger = recordingLogger();
    const gateway = await startTestGateway(
      { supergraph: file, reload: { pollInterval: POLL }, ...input },
      { logger },
    );
    opened.push(gateway);
    return { file, gateway, logger };
  };
  const versionOf = (gateway: TestGateway) => gateway.supergraph.status().version;

  it('serves a new version written in place, then one renamed over it', async () => {
    const { file, gateway } = await serveFile('in-place.graphql', graph.versions.a);
    assert.deepEqual((await gateway.query(QUERY)).body, expectedAnswer('a'));

    await rewriteInPlace(file, graph.versions.b);
    await waitFor(() => versionOf(gateway) === schemaVersion(graph.versions.b), 'version B in service');
    assert.deepEqual((await gateway.query(QUERY)).body, expectedAnswer('b'));

    await replaceByRename(file, graph.versions.a);
    await waitFor(() => versionOf(gateway) === schemaVersion(graph.versions.a), 'version A in service');
    assert.deepEqual((await gateway.query(QUERY)).body, expectedAnswer('a'));
    // And the watch follows the new inode: a second rename is seen too.
    await replaceByRename(file, graph.versions.b);
    await waitFor(() => versionOf(gateway) === schemaVersion(graph.versions.b), 'version B again');
    const { reloads } = gateway.supergraph.status();
    assert.equal(reloads.succeeded, 4); // the first, then three new versions
    assert.equal(reloads.failed, 0);
  });

  it('a touch, or the same bytes written again, puts nothing in service', async () => {
    const { file, gateway } = await serveFile('touch.graphql', graph.versions.a);
    const now = new Date();
    utimesSync(file, now, new Date(now.getTime() + 5_000));
    await rewriteInPlace(file, graph.versions.a);
    await new Promise((resolve) => setTimeout(resolve, POLL * 5));
    assert.equal(gateway.supergraph.status().reloads.succeeded, 1);
  });

  it('a half-written file keeps the schema in service, is reported, and the next write is served', async () => {
    const { file, gateway, logger } = await serveFile('half.graphql', graph.versions.a);
    await rewriteInPlace(file, graph.versions.b.slice(0, Math.floor(graph.versions.b.length / 2)));
    await waitFor(() => gateway.supergraph.status().compositionProblems.length > 0, 'the problem reported');
    assert.equal(versionOf(gateway), schemaVersion(graph.versions.a));
    assert.deepEqual((await gateway.query(QUERY)).body, expectedAnswer('a'));
    assert.ok(logger.lines.some((l) => l.level === 'error' && /cannot be served/.test(l.message)));
    // Counted once (a failed reload from the file), not at every look at the same contents.
    await new Promise((resolve) => setTimeout(resolve, POLL * 5));
    const { reloads } = gateway.supergraph.status();
    assert.equal(reloads.failed, 1);
    assert.equal(reloads.last?.ok, false);
    assert.equal(reloads.last?.source, 'file');

    await rewriteInPlace(file, graph.versions.b);
    await waitFor(() => versionOf(gateway) === schemaVersion(graph.versions.b), 'the complete file served');
    assert.deepEqual(gateway.supergraph.status().compositionProblems, []);
    assert.equal(gateway.supergraph.status().reloads.failed, 1);
  });

  it('is not watched with reload.watch false', async () => {
    const { file, gateway } = await serveFile('unwatched.graphql', graph.versions.a, {
      reload: { watch: false },
    });
    await rewriteInPlace(file, graph.versions.b);
    await new Promise((resolve) => setTimeout(resolve, POLL * 5));
    assert.equal(versionOf(gateway), schemaVersion(graph.versions.a));
  });

  describe('with an in-process subgraph that joins in a new version', () => {
    let greetings: RunningServer;
    before(async () => {
      const Query = new GraphQLObjectType({
        name: 'Query',
        fields: { greeting: { type: new GraphQLNonNull(GraphQLString), resolve: () => 'hello' } },
      });
      greetings = await serveGraphQL({ schema: new GraphQLSchema({ query: Query }) });
      opened.push(greetings);
    });

    it('loads it as at startup and serves it', async () => {
      const federation = [
        { name: 'products', kind: 'federation', url: graph.products.url },
        { name: 'reviews', kind: 'federation', url: graph.reviews.url },
      ] as const;
      const greeter = { name: 'greetings', kind: 'graphql', url: greetings.url } as const;
      const configFile = join(dir, 'with-greetings.json');
      writeFileSync(configFile, JSON.stringify({ subgraphs: [...federation, greeter] }));
      const composed = await runCompose({ configFile });
      assert.ok(composed.supergraphSdl, composed.problems.join('\n'));

      const { file, gateway } = await serveFile('in-process.graphql', graph.versions.a, {
        subgraphs: [...federation, greeter],
      });
      assert.equal((await gateway.query('{ greeting }')).status, 400); // not in version A
      await replaceByRename(file, composed.supergraphSdl);
      await waitFor(() => versionOf(gateway) === schemaVersion(composed.supergraphSdl!), 'the new version');
      assert.deepEqual((await gateway.query('{ greeting }')).body, { data: { greeting: 'hello' } });
      const status = gateway.supergraph.status().subgraphs.find((s) => s.name === 'greetings');
      assert.equal(status?.inService, true);
    });
  });
});
