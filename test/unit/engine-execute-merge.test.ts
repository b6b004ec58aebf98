/**
 * The plan executor's merge and representation keys, on their own: deep merge of objects, lists
 * index by index, a concrete `__typename` kept over an interface's name, and keys that tell
 * apart every two different representations.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema } from 'graphql';
import { mergeInto } from '../../gateway/engine/execute/merge.ts';
import { representationKey } from '../../gateway/engine/execute/representations.ts';
import { typeOracle } from '../../gateway/engine/execute/types.ts';

const types = typeOracle(
  buildSchema(`
    type Query { media: [Media] }
    interface Media { id: ID! }
    type Book implements Media { id: ID! }
  `),
);

describe('plan executor: merge and keys', () => {
  it('merges objects deeply and lists index by index', () => {
    const target = { a: { b: 1, list: [{ x: 1 }, { x: 2 }] }, keep: true };
    mergeInto(target, { a: { c: 2, list: [{ y: 1 }, { y: 2 }] }, added: [1] }, types);
    assert.deepEqual(target, {
      a: {
        b: 1,
        c: 2,
        list: [
          { x: 1, y: 1 },
          { x: 2, y: 2 },
        ],
      },
      keep: true,
      added: [1],
    });
  });

  it("keeps an object's concrete __typename over an interface's name", () => {
    const target = { __typename: 'Book', id: '1' };
    mergeInto(target, { __typename: 'Media', reviews: [] }, types);
    assert.equal(target.__typename, 'Book');
    const learning = { __typename: 'Media', id: '1' };
    mergeInto(learning, { __typename: 'Book' }, types);
    assert.equal(learning.__typename, 'Book');
  });

  it('merges a __proto__ key as an own property, never into Object.prototype', () => {
    const target = JSON.parse('{"__proto__": {"a": 1}}') as Record<string, unknown>;
    mergeInto(target, JSON.parse('{"__proto__": {"polluted": true}}'), types);
    const fresh = {};
    mergeInto(fresh, JSON.parse('{"__proto__": {"polluted": true}}'), types);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(fresh), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(fresh, '__proto__')?.value, { polluted: true });
    assert.deepEqual(Object.getOwnPropertyDescriptor(target, '__proto__')?.value, { a: 1, polluted: true });
  });

  it('gives different representations different keys', () => {
    const keys = [
      { id: '1' },
      { id: 1 },
      { id: '1:' },
      { id: null },
      { id: true },
      { id: 'true' },
      { id: ['1', '2'] },
      { id: ['1,2'] },
      { id: { a: '1' } },
      { ids: '1' },
      { a: '1', b: '2' },
      { a: '1b:s1:2' },
    ].map(representationKey);
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(representationKey({ a: { b: [1, 'x'] } }), representationKey({ a: { b: [1, 'x'] } }));
  });
});
