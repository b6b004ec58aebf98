/**
 * `limits.*` on by default: each hostile input of the security issue (a flood of directives or
 * tokens, a 5,000-deep nesting, a query whose data doubles at each level, thousands of aliases,
 * deep or huge variables) is refused with OPERATION_LIMIT_EXCEEDED (HTTP 400, `extensions.limit`
 * naming the key) before any upstream call, on both engines; each limit's default, an override,
 * and `0` / `false` to turn it off. Bounded by each test's timeout, never by a timed assertion.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { doubling, type ReviewGraph, startReviewGraph } from '../helpers/review-graph.ts';

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: hello`).join(' ')} }`;
const nestedList = (depth: number): unknown => (depth === 0 ? 1 : [nestedList(depth - 1)]);

describe('operation limits', () => {
  let graph: ReviewGraph;
  const gateways: TestGateway[] = [];
  const gateway = async (more: Partial<GatehouseConfigInput> = {}) => {
    const started = await startTestGateway({
      subgraphs: [{ name: 'reviews', kind: 'federation', url: graph.url }],
      ...more,
    });
    gateways.push(started);
    graph.reset();
    return started;
  };
  before(async () => {
    graph = await startReviewGraph();
  });
  after(async () => {
    for (const g of gateways) await g.close();
    await graph?.close();
  });

  /** The request is refused by `limit`, and the subgraph saw nothing. */
  const refused = async (
    g: TestGateway,
    limit: string,
    query: string,
    variables?: Record<string, unknown>,
  ) => {
    const { status, body } = await g.query(query, variables);
    assert.equal(status, 400, JSON.stringify(body).slice(0, 300));
    assert.equal(body.errors?.[0]?.extensions?.code, 'OPERATION_LIMIT_EXCEEDED');
    assert.equal(body.errors?.[0]?.extensions?.limit, limit);
    assert.equal(body.data, undefined);
    assert.equal(graph.calls(), 0);
  };
  const runs = async (g: TestGateway, query: string, variables?: Record<string, unknown>) => {
    const { status, body } = await g.query(query, variables);
    assert.equal(status, 200, JSON.stringify(body).slice(0, 300));
    assert.equal(body.errors, undefined);
  };

  for (const engine of ['plan', 'stitching'] as const) {
    it(`${engine}: every hostile input is refused by default`, { timeout: 30_000 }, async () => {
      const g = await gateway({ engine });
      await refused(g, 'maxTokens', `{ __typename ${'@a '.repeat(100_000)}}`);
      await refused(g, 'maxDepth', `${'{ a '.repeat(5_000)}${'}'.repeat(5_000)}`);
      await refused(g, 'maxDepth', doubling(40));
      await refused(g, 'maxTokens', aliases(2_000));
      await refused(g, 'maxAliases', aliases(31));
      await refused(g, 'maxRootFields', `{ ${'hello '.repeat(31)}}`);
      // Validation compares fields of one response key pairwise: a thousand cost a second.
      await refused(g, 'maxDuplicateFields', `{ me { ${'id '.repeat(51)}} }`);
      await refused(
        g,
        'maxDuplicateFields',
        `{ me { ...A ...B } } fragment A on User { ${'id '.repeat(26)}} fragment B on User { ${'id '.repeat(25)}}`,
      );
      await refused(g, 'maxDirectivesPerField', `{ hello ${'@include(if: true) '.repeat(6)}}`);
      await refused(
        g,
        'maxDirectives',
        `{ ${'hello @skip(if: false) '.repeat(25)} me { ${'id @skip(if: false) '.repeat(26)}} }`,
      );
      await refused(
        g,
        'maxOperations',
        Array.from({ length: 11 }, (_, i) => `query Q${i} { hello }`).join(' '),
      );
      await refused(g, 'maxVariableDepth', '{ hello }', { x: nestedList(17) });
      await refused(g, 'maxVariableValues', '{ hello }', { x: Array.from({ length: 10_001 }, () => 1) });
      // Within every default: it runs.
      await runs(g, doubling(5));
      await runs(g, aliases(30), { x: nestedList(15) });
    });
  }

  it('the same text refused twice is refused from the parse cache', async () => {
    const g = await gateway();
    const flood = `{ __typename ${'@a '.repeat(10_000)}}`;
    await refused(g, 'maxTokens', flood);
    await refused(g, 'maxTokens', flood);
  });

  it('each limit can be lowered, raised, and turned off with 0 or false', { timeout: 30_000 }, async () => {
    const lowered = await gateway({
      limits: {
        maxTokens: 40,
        maxDepth: 2,
        maxAliases: 1,
        maxRootFields: 1,
        maxDuplicateFields: 1,
        maxDirectivesPerField: 1,
        maxDirectives: 1,
        maxOperations: 1,
        maxVariableDepth: 1,
        maxVariableValues: 2,
      },
    });
    await refused(lowered, 'maxTokens', `{ ${'a '.repeat(40)}}`);
    await refused(lowered, 'maxDepth', '{ me { reviews { id } } }');
    await refused(lowered, 'maxAliases', '{ a: hello b: hello }');
    await refused(lowered, 'maxRootFields', '{ hello me { id } }');
    await refused(lowered, 'maxDuplicateFields', '{ me { id id } }');
    await refused(lowered, 'maxDirectivesPerField', '{ hello @skip(if: false) @skip(if: false) }');
    await refused(lowered, 'maxDirectives', 'query Q @a { hello @skip(if: false) }');
    await refused(lowered, 'maxOperations', 'query A { hello } query B { hello }');
    await refused(lowered, 'maxVariableDepth', '{ hello }', { x: [[1]] });
    await refused(lowered, 'maxVariableValues', '{ hello }', { x: 1, y: 2, z: 3 });
    await runs(lowered, '{ me { id } }', { x: [1] });

    const off = await gateway({
      limits: {
        maxTokens: 0,
        maxDepth: false,
        maxAliases: 0,
        maxRootFields: 0,
        maxDuplicateFields: 0,
        maxDirectivesPerField: 0,
        maxDirectives: 0,
        maxOperations: 0,
        maxVariableDepth: 0,
        maxVariableValues: false,
        maxFields: 0,
      },
    });
    await runs(off, aliases(2_000));
    await runs(off, doubling(12));
    await runs(off, '{ hello }', { x: nestedList(40), y: Array.from({ length: 20_000 }, () => 1) });
    await runs(off, `{ ${'hello @skip(if: false) '.repeat(60)}}`);
    await runs(off, `{ me { ${'id '.repeat(60)}} }`);
  });

  it('limits.maxRequestBodySize: 1 MB by default, raised, or off with false', async () => {
    // 1.5 MB of whitespace around a small query: only the body size stands in its way.
    const padded = `${' '.repeat(1_500_000)}{ hello }`;
    const byDefault = await gateway();
    assert.equal((await byDefault.query(padded)).status, 413);
    for (const maxRequestBodySize of [2 * 1024 * 1024, false] as const) {
      await runs(await gateway({ limits: { maxRequestBodySize } }), padded);
    }
  });
});
