/**
 * `BigInt` past 2^53 from a REST API that sends it as a JSON number. Exact only where `JSON.parse`
 * revivers see the source text (Node 21 and later); the reviver itself is checked everywhere.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exactIntegers, SOURCE_TEXT_AVAILABLE } from '../../schema/rest/json.ts';
import { startRestServer } from '../fixtures/rest/rest-server.ts';
import { startTestGateway } from '../helpers/gateway.ts';

const BIG = '9007199254740993'; // 2^53 + 1: a double reads it as 9007199254740992

const SDL = /* GraphQL */ `
  scalar BigInt
  type Account { id: ID! balance: BigInt ratio: Float }
  type Query { account: Account @rest(path: "/account") }
`;

describe('BigInt from a JSON number', () => {
  it('keeps the digits of unsafe integers, and leaves every other value as parsed', () => {
    assert.equal(exactIntegers('n', Number(BIG), { source: BIG }), BIG);
    assert.equal(exactIntegers('n', -Number(BIG), { source: `-${BIG}` }), `-${BIG}`);
    assert.equal(exactIntegers('n', 42, { source: '42' }), 42);
    assert.equal(exactIntegers('n', 1e300, { source: '1e300' }), 1e300);
    assert.equal(exactIntegers('n', 'text', {}), 'text');
    assert.equal(exactIntegers('n', Number(BIG), undefined), Number(BIG));
  });

  it('answers the exact digits through the gateway', {
    skip: SOURCE_TEXT_AVAILABLE ? false : 'JSON.parse revivers get no context.source before Node 21',
  }, async () => {
    const api = await startRestServer(() => ({ text: `{"id":"a","balance":${BIG},"ratio":0.5}` }));
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-bigint-'));
    try {
      const schemaFile = join(dir, 'bank.graphql');
      await writeFile(schemaFile, SDL);
      const gw = await startTestGateway({
        subgraphs: [{ kind: 'rest', name: 'bank', url: api.url, schemaFile }],
      });
      try {
        const { body } = await gw.query('{ account { balance ratio } }');
        assert.deepEqual(body, { data: { account: { balance: BIG, ratio: 0.5 } } });
      } finally {
        await gw.close();
      }
    } finally {
      await api.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
