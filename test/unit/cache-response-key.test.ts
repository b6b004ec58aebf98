/**
 * The response cache's key: every input that changes the answer changes the key (variables, a
 * `__proto__` key among them; the schema; the vary values; the owner), and the same variables in
 * another order do not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'graphql';
import { responseKey, stableJson } from '../../gateway/cache/response-key.ts';

const document = parse('query Q($f: JSON) { items(filter: $f) { id } }');
const key = (over: Partial<Parameters<typeof responseKey>[0]> = {}) =>
  responseKey({
    schema: 's1',
    document,
    operationName: 'Q',
    variables: {},
    vary: [],
    owner: undefined,
    ...over,
  });

describe('response cache key', () => {
  it('writes a `__proto__` key out like any other', () => {
    const poisoned = JSON.parse('{"f":{"__proto__":{"evil":true},"page":1}}') as unknown;
    assert.notEqual(stableJson(poisoned), stableJson({ f: { page: 1 } }));
    assert.notEqual(key({ variables: poisoned }), key({ variables: { f: { page: 1 } } }));
  });

  it('sorts keys, and tells every other input apart', () => {
    assert.equal(
      key({ variables: { a: 1, b: { c: 2, d: 3 } } }),
      key({ variables: { b: { d: 3, c: 2 }, a: 1 } }),
    );
    const base = key();
    for (const other of [
      key({ schema: 's2' }),
      key({ operationName: 'R' }),
      key({ variables: { f: null } }),
      key({ vary: ['fr'] }),
      key({ owner: 'caller\nada' }),
      key({ document: parse('query Q($f: JSON) { items(filter: $f) { id name } }') }),
    ])
      assert.notEqual(other, base);
  });
});
