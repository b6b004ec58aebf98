/** The `demandControl` and `subgraphs[].cost` config keys: defaults, and every mistake named by path. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'graphql';
import { GatehouseError } from '../../core/errors.ts';
import { checkConfig, resolveConfig } from '../../gateway/config/index.ts';
import { createDemandControl } from '../../gateway/demand-control/index.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import { composeSubgraphs } from '../../schema/compose.ts';
import { buildGatewaySchema } from '../../schema/supergraph.ts';

const federation = { kind: 'federation', name: 'a', url: 'http://a.invalid/graphql' } as const;

describe('demand control config', () => {
  it('defaults: no maxCost, lists of 10, enforce, the cost shown when asked', () => {
    const config = resolveConfig({ subgraphs: [federation] }, { env: {} });
    assert.deepEqual(config.demandControl, {
      maxCost: 0,
      defaultListSize: 10,
      mode: 'enforce',
      exposeCost: 'when-asked',
    });
    assert.equal(
      resolveConfig({ subgraphs: [federation], demandControl: { maxCost: false } }, { env: {} }).demandControl
        .maxCost,
      0,
    );
  });

  it('takes costs by coordinate with the directives arguments', () => {
    const config = resolveConfig(
      {
        subgraphs: [
          {
            ...federation,
            cost: {
              'Query.search': { weight: 5, listSize: { assumedSize: 50, slicingArguments: ['first'] } },
              Book: { weight: 2 },
              'Query.search(filter:)': { weight: 3 },
            },
          },
        ],
      },
      { env: {} },
    );
    assert.deepEqual(config.subgraphs[0]?.cost?.['Query.search']?.listSize, {
      assumedSize: 50,
      slicingArguments: ['first'],
      requireOneSlicingArgument: true,
    });
  });

  it('names every mistake by its path', () => {
    const { problems } = checkConfig(
      {
        subgraphs: [
          {
            ...federation,
            cost: {
              'not a coordinate': { weight: 1 },
              'Query.empty': {},
              'Query.negative': { weight: -1 },
              'Query.list': { listSize: { slicingArguments: [] } },
            },
          },
        ],
        demandControl: { maxCost: -5, mode: 'warn', exposeCost: 'sometimes', other: 1 },
      },
      { env: {} },
    );
    const paths = (problems ?? []).map((p) => p.path);
    for (const path of [
      'subgraphs[0].cost.not a coordinate',
      'subgraphs[0].cost.Query.empty',
      'subgraphs[0].cost.Query.negative.weight',
      'subgraphs[0].cost.Query.list.listSize.slicingArguments',
      'demandControl.maxCost',
      'demandControl.mode',
      'demandControl.exposeCost',
    ]) {
      assert.ok(
        paths.some((p) => p.startsWith(path)),
        `${path} in ${JSON.stringify(problems, null, 1)}`,
      );
    }
    assert.ok((problems ?? []).some((p) => `${p.path} ${p.message}`.includes('other')));
  });
});

describe('demand control: a schema whose config costs cannot be read', () => {
  const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
    type Query { books: [String!] }`;
  const supergraphSdl = composeSubgraphs([{ name: 'a', typeDefs: parse(sdl), url: 'http://a.invalid' }])
    .supergraphSdl!;
  const served = {
    supergraphSdl,
    schema: buildGatewaySchema(supergraphSdl, () => async () => ({ data: null })),
    version: 'test',
    executors: new Map(),
  };

  it('is kept out of service (CONFIG_INVALID), and stops the start when it was the first', () => {
    const wrong = createDemandControl({
      subgraphs: new Map([['a', { 'Query.nope': { weight: 1 } }]]),
      logger: silentLogger,
    });
    assert.throws(
      () => wrong.prepare(served),
      (error) => error instanceof GatehouseError && error.code === 'CONFIG_INVALID',
    );
    assert.throws(() => wrong.checkStarted(false), GatehouseError);
    const right = createDemandControl({
      subgraphs: new Map([
        ['a', { 'Query.books': { listSize: { assumedSize: 3, requireOneSlicingArgument: true } } }],
      ]),
      logger: silentLogger,
    });
    right.prepare(served);
    right.checkStarted(true);
  });
});
