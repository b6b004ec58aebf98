/**
 * The projection's own rules, beyond what graphql-js shows (see engine-project-oracle.test.ts):
 * which tree errors explain a null, RESULT_SHAPE_INVALID, the benchmark's TestQuery, the edges.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildSchema, GraphQLError, parse } from 'graphql';
import { compileProjection } from '../../gateway/engine/project/index.ts';
import { buildGatewaySchema } from '../../schema/supergraph.ts';

const FIXTURE = new URL('../fixtures/gateways-benchmark/', import.meta.url);
const benchmark = buildGatewaySchema(
  readFileSync(new URL('supergraph.graphql', FIXTURE), 'utf8'),
  () => () => Promise.resolve({ data: null }),
);

const schema = buildSchema(/* GraphQL */ `
  interface Node { id: ID! }
  scalar JSON
  enum Role { ADMIN USER }
  type User implements Node { id: ID! name: String role: Role tags: [String] meta: JSON best: User! }
  type Post implements Node { id: ID! title: String }
  type Hidden { id: ID! }
  type Query { node: Node me: User list: [User!] hidden: Hidden }
`);

function project(
  source: string,
  data: Record<string, unknown> | null,
  errors: GraphQLError[] = [],
  variables = {},
) {
  return compileProjection(schema, parse(source), undefined).project({ data, errors }, variables);
}

const codes = (errors: readonly GraphQLError[] | undefined) => (errors ?? []).map((e) => e.extensions.code);
const paths = (errors: readonly GraphQLError[] | undefined) => (errors ?? []).map((e) => e.path);

describe('projection: the benchmark TestQuery', () => {
  it('gives the expected response from a tree with the planner’s extra keys and __typename', () => {
    const expected = JSON.parse(readFileSync(new URL('expected-response.json', FIXTURE), 'utf8'));
    const projection = compileProjection(
      benchmark,
      parse(readFileSync(new URL('query.graphql', FIXTURE), 'utf8')),
      'TestQuery',
    );
    const result = projection.project(
      { data: withPlannerKeys(expected.data) as Record<string, unknown>, errors: [] },
      {},
    );
    assert.equal(JSON.stringify(result), JSON.stringify({ data: expected.data }));
  });
});

describe('projection: a null at a non-null position', () => {
  const query = '{ list { id name } }';

  it('adds SUBGRAPH_ERROR at the position and nulls the nearest nullable parent', () => {
    const result = project(query, { list: [{ id: '1' }, { name: 'no id' }] });
    assert.deepEqual(result.data, { list: null });
    assert.deepEqual(codes(result.errors), ['SUBGRAPH_ERROR']);
    assert.deepEqual(paths(result.errors), [['list', 1, 'id']]);
    assert.deepEqual(result.errors?.[0]?.locations, [{ line: 1, column: 10 }]);
  });

  for (const [what, at] of [
    ['equal to it', ['list', 1, 'id']],
    ['a prefix of it (the entity failed)', ['list', 1]],
    ['starting with it', ['list', 1, 'id', 'deeper']],
  ] as const) {
    it(`is explained by a tree error at a path ${what}`, () => {
      const error = new GraphQLError('from the tree', { path: at });
      const result = project(query, { list: [{ id: '1' }, { name: 'no id' }] }, [error]);
      assert.deepEqual(result.data, { list: null });
      assert.equal(result.errors?.length, 1);
      assert.equal(result.errors?.[0], error);
    });
  }

  it('is not explained by an error elsewhere, nor by one without a path', () => {
    const elsewhere = new GraphQLError('sibling', { path: ['list', 0] });
    const pathless = new GraphQLError('no path');
    const result = project(query, { list: [{ id: '1' }, { name: 'no id' }] }, [elsewhere, pathless]);
    assert.deepEqual(result.errors?.slice(0, 2), [elsewhere, pathless]); // the tree's first, in order
    assert.deepEqual(paths(result.errors?.slice(2)), [['list', 1, 'id']]);
  });

  it('nulls data when the chain is non-null up to the root', () => {
    const result = project('{ me { best { best { id } } } }', { me: { best: { best: {} } } });
    assert.deepEqual(result.data, { me: null }); // me is nullable
    const root = compileProjection(
      buildSchema('type Q { a: A! } type A { b: [B!]! } type B { c: Int! } schema { query: Q }'),
      parse('{ a { b { c } } }'),
      undefined,
    ).project({ data: { a: { b: [{ c: 1 }, { c: null }] } }, errors: [] }, {});
    assert.equal(root.data, null);
    assert.deepEqual(paths(root.errors), [['a', 'b', 1, 'c']]);
  });
});

describe('projection: RESULT_SHAPE_INVALID', () => {
  for (const [what, source, data, path] of [
    ['a leaf where an object belongs', '{ me { id } }', { me: 'text' }, ['me']],
    ['an object where a list belongs', '{ list { id } }', { list: { id: '1' } }, ['list']],
    ['a list where a leaf belongs', '{ me { name } }', { me: { name: ['a'] } }, ['me', 'name']],
    ['an object where an enum belongs', '{ me { role } }', { me: { role: { v: 1 } } }, ['me', 'role']],
    [
      'a __typename that is not a possible type',
      '{ node { id } }',
      { node: { __typename: 'Hidden', id: '1' } },
      ['node'],
    ],
    ['an unknown __typename', '{ node { id } }', { node: { __typename: 'Nope', id: '1' } }, ['node']],
    [
      'no __typename on an abstract type whose selection depends on it',
      '{ node { id ... on User { name } } }',
      { node: { id: '1', name: 'n' } },
      ['node'],
    ],
  ] as const) {
    it(`reports ${what} at its path, which is then null`, () => {
      const result = project(source, data);
      assert.deepEqual(codes(result.errors), ['RESULT_SHAPE_INVALID']);
      assert.deepEqual(paths(result.errors), [path]);
      assert.equal(JSON.stringify(result.data).includes('null'), true);
    });
  }

  it('passes a custom scalar as returned, object or list', () => {
    const meta = { any: [1, { two: 2 }] };
    const result = project('{ me { meta } }', { me: { meta } });
    assert.deepEqual(result, { data: { me: { meta } } });
  });
});

describe('projection: an abstract type whose runtime type the tree does not say', () => {
  // The planner selects `__typename` only where the answer depends on the runtime type.
  it('projects a selection that is the same for every possible type', () => {
    const source = '{ node { key: id ...N ... on Node { again: id } } } fragment N on Node { id }';
    assert.deepEqual(project(source, { node: { key: '1', id: '1', again: '1' } }), {
      data: { node: { key: '1', id: '1', again: '1' } },
    });
  });

  it('projects it on the abstract type’s own name (an @interfaceObject subgraph’s answer)', () => {
    assert.deepEqual(project('{ node { id } }', { node: { __typename: 'Node', id: '1' } }), {
      data: { node: { id: '1' } },
    });
  });

  it('reports a selection that depends on it: __typename, a fragment on one implementation', () => {
    for (const source of ['{ node { __typename id } }', '{ node { id ... on Post { title } } }']) {
      const result = project(source, { node: { id: '1' } });
      assert.deepEqual(codes(result.errors), ['RESULT_SHAPE_INVALID'], source);
      assert.deepEqual(result.data, { node: null }, source);
    }
  });
});

describe('projection: the selection', () => {
  it('keeps the client’s response keys in CollectFields order, with aliases, and nothing else', () => {
    const data = Object.assign(Object.create(null), {
      b: { __typename: 'User', id: '1', name: 'n', extra: true },
      a: { id: '2', name: 'm' },
    });
    const result = project('{ a: me { name id } b: node { ... on User { name } __typename id } }', data);
    assert.equal(
      JSON.stringify(result),
      '{"data":{"a":{"name":"m","id":"2"},"b":{"name":"n","__typename":"User","id":"1"}}}',
    );
  });

  it('keeps aliases named like Object.prototype keys as plain own keys, read only from the tree', () => {
    const data = JSON.parse('{"__proto__": {"id": "1"}, "constructor": {"id": "2"}}');
    const result = project('{ __proto__: me { id } constructor: me { toString: name } }', data);
    assert.equal(JSON.stringify(result.data), '{"__proto__":{"id":"1"},"constructor":{"toString":null}}');
    assert.equal(Object.getPrototypeOf(result.data), Object.prototype);
    const missing = project('{ constructor: me { id } }', {});
    assert.deepEqual(missing.data, { constructor: null });
  });

  it('applies @skip and @include, literal and by variable, compiled per outcome', () => {
    const projection = compileProjection(
      schema,
      parse(
        'query ($s: Boolean!) { me { id @skip(if: $s) name @include(if: true) role @include(if: false) } }',
      ),
      undefined,
    );
    const tree = () => ({ data: { me: { id: '1', name: 'n', role: 'ADMIN' } }, errors: [] });
    assert.deepEqual(projection.project(tree(), { s: true }).data, { me: { name: 'n' } });
    assert.deepEqual(projection.project(tree(), { s: false }).data, { me: { id: '1', name: 'n' } });
    assert.deepEqual(projection.project(tree(), { s: true }).data, { me: { name: 'n' } });
  });

  it('stays right past 30 condition variables and past the outcomes it keeps', () => {
    const names = Array.from({ length: 32 }, (_, i) => `v${i}`);
    const source = `query (${names.map((n) => `$${n}: Boolean!`).join(', ')}) { me { ${names
      .map((n) => `${n}: name @include(if: $${n})`)
      .join(' ')} } }`;
    const projection = compileProjection(schema, parse(source), undefined);
    const me = Object.fromEntries(names.map((n) => [n, 'n'])); // the tree is keyed by response keys
    for (let round = 0; round < 40; round++) {
      const variables = Object.fromEntries(
        names.map((n, i) => [n, (round >> (i % 6)) % 2 === 1 || i === round % 32]),
      );
      const data = projection.project({ data: { me }, errors: [] }, variables).data;
      const expected = Object.fromEntries(names.filter((n) => variables[n]).map((n) => [n, 'n']));
      assert.deepEqual(data, { me: expected });
    }
  });

  it('answers __typename of an object type from the schema and copies root introspection as is', () => {
    const schemaAnswer = { queryType: { name: 'Query' } };
    const result = project('{ __typename s: __schema { queryType { name } } me { __typename } }', {
      s: schemaAnswer,
      me: { __typename: 'Other' },
    });
    assert.deepEqual(result.data, { __typename: 'Query', s: schemaAnswer, me: { __typename: 'User' } });
  });

  it('answers data: null as it is, with the tree’s errors', () => {
    const error = new GraphQLError('mutation failed');
    assert.deepEqual(project('{ me { id } }', null, [error]), { data: null, errors: [error] });
  });

  it('rejects an unknown operation name with BAD_USER_INPUT', () => {
    assert.throws(
      () => compileProjection(schema, parse('query A { me { id } }'), 'B'),
      (error: unknown) => error instanceof GraphQLError && error.extensions.code === 'BAD_USER_INPUT',
    );
  });
});

/** The tree as the executor leaves it: every object with its `__typename`, and keys the planner added. */
function withPlannerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withPlannerKeys);
  if (typeof value !== 'object' || value === null) return value;
  const object: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) object[key] = withPlannerKeys(inner);
  if ('body' in object) object.__typename = 'Review';
  else if ('username' in object) Object.assign(object, { __typename: 'User', birthday: 1 });
  else if ('upc' in object) Object.assign(object, { __typename: 'Product', _key: { upc: object.upc } });
  return object;
}
