/**
 * Progressive `@override` on both engines: a `percent(50)` field is resolved by either subgraph
 * (each operation draws once: every field of one operation agrees, and none is lost), and a flag
 * label moves its field only once `overrideLabels` turns it on. Real subgraphs on loopback, each
 * answering with its own name.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph } from '../federation/harness.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const link = (...directives: string[]) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [${directives.map((d) => `"${d}"`).join(', ')}])\n`;

for (const engine of ['plan', 'stitching'] as const)
  describe(`progressive @override on the ${engine} engine`, () => {
    let old: RunningServer;
    let neu: RunningServer;
    const gateways: TestGateway[] = [];
    before(async () => {
      old = await serveGraphQL({
        schema: apolloSubgraph(
          `${link('@key')} type Query { half: String flagged: String item: Item }
        type Item @key(fields: "id") { id: ID! stock: String }`,
          {
            Query: { half: () => 'old', flagged: () => 'old', item: () => ({ id: '1' }) },
            Item: { stock: () => 'old' },
          },
        ),
      });
      neu = await serveGraphQL({
        schema: apolloSubgraph(
          `${link('@key', '@override')} type Query {
          half: String @override(from: "old", label: "percent(50)")
          flagged: String @override(from: "old", label: "beta")
        }
        type Item @key(fields: "id") { id: ID! stock: String @override(from: "old", label: "percent(50)") }`,
          { Query: { half: () => 'neu', flagged: () => 'neu' }, Item: { stock: () => 'neu' } },
        ),
      });
    });
    after(async () => {
      for (const gateway of gateways) await gateway.close();
      await Promise.all([old?.close(), neu?.close()]);
    });

    const start = async (overrideLabels?: string[]) => {
      const gateway = await startTestGateway({
        engine,
        overrideLabels,
        subgraphs: [
          { name: 'old', kind: 'federation', url: old.url },
          { name: 'neu', kind: 'federation', url: neu.url },
        ],
      });
      gateways.push(gateway);
      return gateway;
    };

    it('percent(50): each operation draws, and both subgraphs answer some', async () => {
      const gateway = await start();
      const seen = new Map<string, number>();
      for (let i = 0; i < 200; i++) {
        const { body } = await gateway.query<{ half: string }>('{ half }');
        const by = body.data?.half ?? 'none';
        seen.set(by, (seen.get(by) ?? 0) + 1);
      }
      // 200 fair draws: each side below 60 has a probability under 1e-8.
      assert.deepEqual([...seen.keys()].sort(), ['neu', 'old']);
      assert.ok(seen.get('neu')! > 60 && seen.get('old')! > 60, JSON.stringify([...seen]));
    });

    it('percent(50): one draw per operation, so its fields agree and none is lost', async () => {
      const gateway = await start();
      const seen = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const { body } = await gateway.query<Record<string, { stock: string | null }>>(
          '{ a: item { stock } b: item { stock } c: item { stock } }',
        );
        const values = Object.values(body.data ?? {}).map((item) => item.stock);
        assert.equal(new Set(values).size, 1, JSON.stringify(body));
        assert.notEqual(values[0], null, JSON.stringify(body));
        seen.add(String(values[0]));
      }
      assert.deepEqual([...seen].sort(), ['neu', 'old']);
    });

    it('a flag label moves its field only when overrideLabels turns it on', async () => {
      const off = await start();
      const on = await start(['beta']);
      assert.deepEqual((await off.query('{ flagged }')).body, { data: { flagged: 'old' } });
      assert.deepEqual((await on.query('{ flagged }')).body, { data: { flagged: 'neu' } });
    });
  });

describe('overrideLabels warnings at startup', () => {
  let neu: RunningServer;
  before(async () => {
    neu = await serveGraphQL({
      schema: apolloSubgraph(`${link('@key')} type Query { flagged: String }`, {
        Query: { flagged: () => 'neu' },
      }),
    });
  });
  after(async () => {
    await neu?.close();
  });

  /** The details of every warning logged while a gateway starts with `input`. */
  const warningsOf = async (input: Partial<GatehouseConfigInput>) => {
    const warnings: Array<Record<string, unknown> | undefined> = [];
    const logger = {
      ...silentLogger,
      warn: (_: string, details?: Record<string, unknown>) => warnings.push(details),
    };
    const gateway = await startTestGateway(
      { ...input, subgraphs: [{ name: 'neu', kind: 'federation', url: neu.url }] },
      { logger },
    );
    await gateway.close();
    return warnings;
  };

  it('warns on the plan engine when a label is on no @override of the supergraph', async () => {
    const warnings = await warningsOf({ engine: 'plan', overrideLabels: ['nosuchlabel'] });
    assert.deepEqual(
      warnings.filter((d) => d?.unknownLabels),
      [{ unknownLabels: ['nosuchlabel'] }],
    );
  });
});
