/**
 * Header rules are checked at startup: a bad rule stops the gateway with CONFIG_INVALID, every
 * problem reported at once with its config path (the fix is in the message, not asserted here).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatehouseError } from '../../core/errors.ts';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { resolveConfig } from '../../gateway/config/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';

const subgraphs: GatehouseConfigInput['subgraphs'] = [
  { name: 'products', kind: 'federation', url: 'http://127.0.0.1:9/graphql' },
];

/** The config paths of the problems `headers` gives, or [] when it is accepted. */
async function problemPaths(headers: unknown): Promise<string[]> {
  try {
    const gateway = await startTestGateway({ subgraphs, headers } as GatehouseConfigInput);
    await gateway.close();
    return [];
  } catch (error) {
    assert.ok(error instanceof GatehouseError);
    assert.equal(error.code, 'CONFIG_INVALID');
    return error.problems.map((p) => p.slice(0, p.indexOf(': ')));
  }
}

const all = (...request: unknown[]) => ({ all: { request } });

describe('header rules checked at startup', () => {
  it('defaults to no rules', () => {
    const config = resolveConfig({ subgraphs }, { env: {} });
    assert.deepEqual(config.headers, { all: { request: [] }, subgraphs: {} });
  });

  it('accepts every kind of rule', async () => {
    const rules = all(
      { propagate: { named: 'Authorization' } },
      { propagate: { named: 'x-a', rename: 'x-b', default: 'none' } },
      { propagate: { matching: '^x-tenant-' } },
      { insert: { name: 'x-static', value: 'v' } },
      { insert: { name: 'x-gatehouse-claims', identity: 'claims' } },
      { insert: { name: 'x-org', claim: ['org', 'id'] } },
      { remove: { named: 'x-a' } },
      { remove: { matching: '^x-internal-' } },
    );
    assert.deepEqual(
      await problemPaths({ ...rules, subgraphs: { products: all({ remove: { named: 'x-b' } }).all } }),
      [],
    );
  });

  it('rejects names that are not HTTP header names, and regexes that do not compile', async () => {
    assert.deepEqual(
      await problemPaths(
        all(
          { propagate: { named: 'bad name' } },
          { insert: { name: 'x:y', value: 'v' } },
          { propagate: { matching: '([unclosed' } },
          { remove: { matching: '*' } },
        ),
      ),
      [
        'headers.all.request[0].propagate.named',
        'headers.all.request[1].insert.name',
        'headers.all.request[2].propagate.matching',
        'headers.all.request[3].remove.matching',
      ],
    );
  });

  it('rejects rules that would forward or set hop-by-hop headers or the always-forwarded ones', async () => {
    assert.deepEqual(
      await problemPaths(
        all(
          { insert: { name: 'Connection', value: 'close' } },
          { propagate: { named: 'te' } },
          { propagate: { named: 'x-a', rename: 'Host' } },
          { insert: { name: 'proxy-authorization', value: 'x' } },
          { insert: { name: 'x-request-id', value: 'fixed' } },
          { remove: { named: 'traceparent' } },
          { propagate: { named: 'x-gatehouse-claims' } },
        ),
      ),
      [
        'headers.all.request[0].insert.name',
        'headers.all.request[1].propagate.named',
        'headers.all.request[2].propagate.rename',
        'headers.all.request[3].insert.name',
        'headers.all.request[4].insert.name',
        'headers.all.request[5].remove.named',
        'headers.all.request[6].propagate.named',
      ],
    );
  });

  it('rejects rules that are not exactly one thing', async () => {
    assert.deepEqual(
      await problemPaths(
        all(
          {},
          { propagate: { named: 'a' }, remove: { named: 'a' } },
          { propagate: {} },
          { propagate: { matching: '^x-', rename: 'y' } },
          { insert: { name: 'x-a', value: 'v', identity: 'subject' } },
          { insert: { name: 'x-a', identity: 'email' } },
          { remove: { named: 'a', matching: 'b' } },
          { propagate: { named: 'x-a' }, extra: true },
        ),
      ),
      [
        'headers.all.request[0]',
        'headers.all.request[1]',
        'headers.all.request[2].propagate',
        'headers.all.request[3].propagate.matching',
        'headers.all.request[4].insert',
        'headers.all.request[5].insert.identity',
        'headers.all.request[6].remove',
        'headers.all.request[7].extra',
      ],
    );
  });

  it('rejects a rule that forwards a client copy of a header set from identity', async () => {
    assert.deepEqual(
      await problemPaths({
        all: { request: [{ insert: { name: 'X-User-Id', identity: 'subject' } }] },
        subgraphs: { products: { request: [{ propagate: { named: 'x-user', rename: 'x-user-id' } }] } },
      }),
      ['headers.subgraphs.products.request[0].propagate.rename'],
    );
  });

  it('rejects rules for a subgraph the config does not name, and values with a line break', async () => {
    assert.deepEqual(
      await problemPaths({
        all: { request: [{ insert: { name: 'x-a', value: 'a\r\nb' } }] },
        subgraphs: { prodcuts: { request: [] } },
      }),
      ['headers.all.request[0].insert.value', 'headers.subgraphs.prodcuts'],
    );
  });

  it('accepts rules for subgraphs of a supergraph file the config does not list', () => {
    const config = resolveConfig(
      { supergraph: 'supergraph.graphql', subgraphs, headers: { subgraphs: { inventory: { request: [] } } } },
      { env: {} },
    );
    assert.deepEqual(Object.keys(config.headers.subgraphs), ['inventory']);
  });
});
