/**
 * The key order of a patched answer: a refused field the engine never fetched is put back where the
 * client selected it (CollectFields order, per object type); other keys keep their place at the end.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, parse } from 'graphql';
import { patchData } from '../../gateway/policies/patch.ts';
import { rewriteOperation, TYPENAME_KEY } from '../../gateway/policies/rewrite.ts';

const schema = buildSchema(`
  interface Item { id: ID name: String secret: String }
  type A implements Item { id: ID name: String secret: String }
  type B implements Item { id: ID name: String secret: String }
  type User { id: ID name: String email: String ssn: String! }
  type Query { items: [Item] user: User me: User public: String }`);

const refused = new Set(['A.secret', 'User.email', 'User.ssn', 'Query.me']);
const rewrite = (query: string) =>
  rewriteOperation(schema, parse(query), undefined, (type, field) =>
    refused.has(`${type.name}.${field}`) ? 'FORBIDDEN' : 'allowed',
  )!;

describe('field policies: the key order of a patched answer', () => {
  it('per object type, through fragments and aliases', () => {
    const { root } = rewrite('{ items { ... on B { name } id s: secret ...F } } fragment F on A { name }');
    const data = {
      items: [
        { id: 'a', name: 'x', [TYPENAME_KEY]: 'A' },
        { name: 'y', id: 'b', s: 'sb', [TYPENAME_KEY]: 'B' },
      ],
    };
    patchData(data, root, {}, new Map());
    assert.equal(
      JSON.stringify(data),
      JSON.stringify({
        items: [
          { id: 'a', s: null, name: 'x' },
          { name: 'y', id: 'b', s: 'sb' },
        ],
      }),
    );
  });

  it('keys not selected there stay at the end, in their order; a nulled object is not rebuilt', () => {
    const { root } = rewrite('{ me { id } public user { email id } }');
    const data: Record<string, unknown> = { extra: 1, public: 'p', user: { id: 'u' } };
    patchData(data, root, {}, new Map());
    assert.deepEqual(Object.keys(data), ['me', 'public', 'user', 'extra']);
    assert.deepEqual(Object.keys(data.user as object), ['email', 'id']);
    const nulled = rewrite('{ user { ssn id } }');
    const answer = { user: { id: 'u' } };
    patchData(answer, nulled.root, {}, new Map());
    assert.deepEqual(answer, { user: null });
  });

  it('an answer without refusals is left as it is', () => {
    assert.equal(
      rewriteOperation(schema, parse('{ public user { id } }'), undefined, () => 'allowed'),
      undefined,
    );
  });
});
