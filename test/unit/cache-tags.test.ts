/**
 * The tags of kept answers and of mutations' changes: every object type an operation may return,
 * each entity held with a key (aliases followed, `__typename` for interface values, compound and
 * nested keys as sorted JSON), the operation's name; a mutation names the entities it holds, and
 * the type of those it holds without a key.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, parse } from 'graphql';
import { entityKeysOf } from '../../gateway/cache/entity-keys.ts';
import { answerTags, changedTags, MAX_KEY_TAGS, purgeTags, typeTags } from '../../gateway/cache/tags.ts';

const sdl = `
  directive @join__type(graph: String, key: String) repeatable on OBJECT | INTERFACE
  type Query { products: [Product!]! node(id: ID!): Node search: [Result!]! }
  type Mutation { rename(id: ID!, name: String!): Product ship: Shipment renamed: RenamePayload }
  type RenamePayload { product: Product ok: Boolean }
  interface Node { id: ID! }
  union Result = Product | Review
  type Product implements Node @join__type(graph: "A", key: "id") @join__type(graph: "B", key: "id") {
    id: ID! name: String reviews: [Review!]!
  }
  type Review implements Node @join__type(graph: "B", key: "id") { id: ID! body: String }
  type Shipment @join__type(graph: "C", key: "upc sku") @join__type(graph: "C", key: "owner { id }") {
    upc: String sku: String owner: Owner
  }
  type Owner { id: ID! }
`;
const schema = buildSchema(sdl);
const keys = entityKeysOf(parse(sdl));

const tagsOf = (query: string, data: unknown) => {
  const document = parse(query);
  return answerTags(schema, keys, document, undefined, data, typeTags(schema, document, undefined)).sort();
};

describe('cache tags', () => {
  it('reads each entity type’s keys once, however many subgraphs declare them', () => {
    assert.equal(keys.get('Product')?.length, 1);
    assert.equal(keys.get('Shipment')?.length, 2);
    assert.equal(keys.has('Owner'), false);
  });

  it('tags the types an operation may return and the entities it holds, through aliases', () => {
    const tags = tagsOf('query Shop { items: products { pid: id name reviews { id } } }', {
      items: [
        { pid: '1', name: 'a', reviews: [{ id: 'r1' }] },
        { pid: '2', name: 'b', reviews: [] },
      ],
    });
    assert.deepEqual(tags, [
      'key:Product:1',
      'key:Product:2',
      'key:Review:r1',
      'op:Shop',
      'type:Product',
      'type:Review',
    ]);
  });

  it('tags every type an empty list may hold, and an entity held without its key as keyless', () => {
    assert.deepEqual(tagsOf('{ products { name } }', { products: [{ name: 'a' }] }), [
      'nokey:Product',
      'type:Product',
    ]);
    assert.deepEqual(tagsOf('{ search { ... on Review { id } } }', { search: [] }), [
      'type:Product',
      'type:Review',
    ]);
  });

  it('takes the concrete type of an interface or union value from its __typename', () => {
    const tags = tagsOf('{ node(id: "1") { t: __typename id ... on Product { name } } }', {
      node: { t: 'Product', id: '1', name: 'a' },
    });
    assert.ok(tags.includes('key:Product:1'));
    assert.ok(!tags.includes('key:Review:1'));
    const fragments = tagsOf('{ search { __typename ...R } } fragment R on Review { id }', {
      search: [{ __typename: 'Review', id: 'r9' }, { __typename: 'Product' }],
    });
    assert.ok(fragments.includes('key:Review:r9'));
    assert.ok(!fragments.some((t) => t.startsWith('key:Product')));
  });

  it('writes a compound or nested key as JSON with sorted names', () => {
    const document = parse('mutation { ship { sku upc owner { id } } }');
    const changed = changedTags(schema, keys, document, undefined, {
      ship: { sku: 's', upc: 'u', owner: { id: 'o' } },
    }).sort();
    assert.deepEqual(changed, ['key:Shipment:{"owner":{"id":"o"}}', 'key:Shipment:{"sku":"s","upc":"u"}']);
  });

  it('an interface value without __typename is keyless for every entity type it may be', () => {
    const tags = tagsOf('{ node(id: "1") { id } }', { node: { id: '1' } });
    assert.ok(tags.includes('nokey:Product') && tags.includes('nokey:Review'));
    assert.ok(!tags.some((t) => t.startsWith('key:')));
  });

  it('tags at most MAX_KEY_TAGS keys; past them, the type is keyless', () => {
    const many = Array.from({ length: MAX_KEY_TAGS + 10 }, (_, i) => ({ id: String(i) }));
    const tags = tagsOf('{ products { id } }', { products: many });
    assert.equal(tags.filter((t) => t.startsWith('key:')).length, MAX_KEY_TAGS);
    assert.ok(tags.includes('nokey:Product'));
  });

  it('a purge by key purges the answers holding that type keyless too', () => {
    assert.deepEqual(purgeTags(['key:Product:1', 'type:Review', 'op:A']).sort(), [
      'key:Product:1',
      'nokey:Product',
      'op:A',
      'type:Review',
    ]);
  });

  it('a mutation names the entities its root fields return, not those nested below', () => {
    const document = parse('mutation { rename(id: "1", name: "x") { id reviews { id } } }');
    assert.deepEqual(
      changedTags(schema, keys, document, undefined, { rename: { id: '1', reviews: [{ id: 'r1' }] } }),
      ['key:Product:1'],
    );
  });

  it('a mutation answering a payload object names the entities in it', () => {
    const document = parse('mutation { renamed { ok product { id reviews { id } } } }');
    assert.deepEqual(
      changedTags(schema, keys, document, undefined, {
        renamed: { ok: true, product: { id: '7', reviews: [{ id: 'r1' }] } },
      }),
      ['key:Product:7'],
    );
  });

  it('names what a mutation changed: its entities by key, by type when held without one', () => {
    const rename = parse('mutation { rename(id: "42", name: "x") { id name } }');
    assert.deepEqual(changedTags(schema, keys, rename, undefined, { rename: { id: '42', name: 'x' } }), [
      'key:Product:42',
    ]);
    const noKey = parse('mutation { rename(id: "42", name: "x") { name } }');
    assert.deepEqual(changedTags(schema, keys, noKey, undefined, { rename: { name: 'x' } }), [
      'type:Product',
    ]);
    assert.deepEqual(changedTags(schema, keys, noKey, undefined, { rename: null }), []);
  });
});
