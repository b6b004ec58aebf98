/**
 * The projection against graphql-js: for many random trees (nulls at non-null positions,
 * abstract types, fragments, aliases, `@skip`/`@include`, lists of lists, non-null chains up to the
 * root, errors of the tree, wrong `__typename`s), `project()` must give what graphql-js `execute`
 * gives over the same schema when each field reads its response key from the tree: the same data,
 * and the same paths for the errors it adds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildSchema,
  type DocumentNode,
  type ExecutionResult,
  execute,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLOutputType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  type ResponsePath,
} from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields.js';
import { compileProjection } from '../../gateway/engine/project/index.ts';

const schema = buildSchema(/* GraphQL */ `
  interface Node { id: ID! }
  interface Named { name: String }
  scalar JSON
  enum Role { ADMIN USER }
  type User implements Node & Named {
    id: ID!
    name: String
    friends: [User!]
    best: User!
    posts: [Post]
    role: Role!
    tags: [[String!]]!
    meta: JSON
  }
  type Post implements Node { id: ID! title: String! author: User comments: [[Comment]!] }
  type Comment implements Node { id: ID! text: String by: Named! }
  type Bot implements Named { name: String model: String! }
  union Item = User | Post | Bot
  type Query {
    me: User!
    node(id: ID): Node
    items: [Item!]!
    search: [Item]
    nums: [[Int!]]
    maybe: Post
    bots: [Bot!]
    grid: [[Named!]]
  }
`);

const OPERATIONS: Array<{ source: string; variables: Array<Record<string, unknown>> }> = [
  {
    source: /* GraphQL */ `
      query A($a: Boolean!, $b: Boolean = false) {
        me { id ...U name nick: name @include(if: $a) best { id friends { id name } } role tags meta }
        me2: me { __typename id @skip(if: $b) }
        items { __typename ... on User { id name } ...P ... on Named { name } ... on Bot { model } }
        search { ... on Node { id } ... on Post @skip(if: $a) { title } ... on Bot { name } }
        nums
        node(id: "1") { id __typename ... on User { best { best { best { id } } } } ...P }
        maybe { ...P comments { id by { name ... on User { role } ... on Bot { model } } } }
      }
      fragment U on User { friends { ...U2 } posts { title author { id } } }
      fragment U2 on User { id role }
      fragment P on Post { id title author { ...U2 name } }
    `,
    variables: [{ a: true }, { a: false, b: true }, { a: true, b: true }],
  },
  {
    source: /* GraphQL */ `
      query B($s: Boolean!) {
        m: me { best { id } }
        me { best { name } friends @skip(if: $s) { id } }
        me { ... @include(if: $s) { friends { name } } ...F @skip(if: $s) tags }
        bots { ... on Named { n: name __typename } model }
        __typename
      }
      fragment F on User { friends { best { id } } role }
    `,
    variables: [{ s: true }, { s: false }],
  },
  {
    source: /* GraphQL */ `
      {
        items { ... on Node { id ... on Post { comments { by { __typename ... on Node { id } } } } } }
        search { __typename ... on User { posts { author { best { role } } } } }
        maybe @include(if: true) { title author @skip(if: true) { id } }
        grid { name ... on Bot { model } ... on User { best { id } } }
      }
    `,
    variables: [{}],
  },
];

describe('projection oracle (graphql-js execute)', () => {
  for (const [index, operation] of OPERATIONS.entries()) {
    it(`operation ${index} gives graphql-js's data and error paths on random trees`, async () => {
      const document = parse(operation.source);
      const projection = compileProjection(schema, document, undefined);
      const random = mulberry32(1_000 + index);
      let compared = 0;
      for (let round = 0; round < 400; round++) {
        const variables = operation.variables[round % operation.variables.length]!;
        const coerced = withDefaults(document, variables);
        const tree = makeTree(document, coerced, random);
        const mine = projection.project(
          { data: structuredClone(tree.data), errors: tree.errors.slice() },
          coerced,
        );
        const theirs = (await oracle(document, tree.data, tree.errors, coerced)) as ExecutionResult;
        const label = `round ${round}: ${JSON.stringify(tree.data)}`;
        assert.equal(JSON.stringify(mine.data), JSON.stringify(theirs.data), label);
        const added = (mine.errors ?? []).slice(tree.errors.length).map((e) => JSON.stringify(e.path));
        const expected = (theirs.errors ?? [])
          .filter((e) => !tree.errors.includes(e))
          .map((e) => JSON.stringify(e.path));
        assert.deepEqual(added.sort(), expected.sort(), label);
        compared++;
      }
      assert.equal(compared, 400);
    });
  }
});

function withDefaults(document: DocumentNode, variables: Record<string, unknown>): Record<string, unknown> {
  const coerced = { ...variables };
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const v of d.variableDefinitions ?? []) {
      const name = v.variable.name.value;
      if (!(name in coerced) && v.defaultValue?.kind === Kind.BOOLEAN) coerced[name] = v.defaultValue.value;
    }
  }
  return coerced;
}

function oracle(
  document: DocumentNode,
  data: Record<string, unknown>,
  errors: GraphQLError[],
  variables: Record<string, unknown>,
) {
  const byPath = new Map(errors.map((e) => [JSON.stringify(e.path), e]));
  return execute({
    schema,
    document,
    rootValue: data,
    variableValues: variables,
    fieldResolver(source, _args, _context, info) {
      const path = pathOf(info.path);
      const value = (source as Record<string, unknown>)[info.path.key];
      const error = byPath.get(JSON.stringify(path));
      if (error && value == null) throw error;
      return withItemErrors(value, path, byPath);
    },
    typeResolver(value) {
      const typename = (value as Record<string, unknown>).__typename;
      return typeof typename === 'string' ? typename : undefined;
    },
  });
}

/** graphql-js reports an Error found as a list item at the item's path: the tree's item errors. */
function withItemErrors(
  value: unknown,
  path: Array<string | number>,
  byPath: Map<string, GraphQLError>,
): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((item, i) => {
    const at = [...path, i];
    const error = byPath.get(JSON.stringify(at));
    if (error && item == null) return error;
    return withItemErrors(item, at, byPath);
  });
}

function pathOf(path: ResponsePath | undefined): Array<string | number> {
  const out: Array<string | number> = [];
  for (let p = path; p; p = p.prev) out.unshift(p.key);
  return out;
}

/** A random tree for the operation as `variables` select it, with errors at some of its nulls. */
function makeTree(document: DocumentNode, variables: Record<string, unknown>, random: () => number) {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  let operationNode: FieldNode | undefined;
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    if (d.kind === Kind.OPERATION_DEFINITION) {
      operationNode = {
        kind: Kind.FIELD,
        name: { kind: Kind.NAME, value: 'root' },
        selectionSet: d.selectionSet,
      };
    }
  }
  const errors: GraphQLError[] = [];
  const objectOf = (
    type: GraphQLOutputType & { name: string },
    nodes: readonly FieldNode[],
    path: Array<string | number>,
  ) => {
    const concrete = isObjectType(type) ? type : pick(schema.getPossibleTypes(type as never), random);
    const object: Record<string, unknown> = {};
    if (isAbstractType(type) || random() < 0.3) {
      const roll = random();
      if (roll < 0.03) object.__typename = 'Nope';
      else if (roll < 0.05)
        object.__typename = 'Comment'; // a type, but not always a possible one
      else if (roll > 0.04 || !isAbstractType(type)) object.__typename = concrete.name;
    }
    if (random() < 0.1) object._extra = 'not selected';
    const fields = collectSubfields(schema, fragments, variables, concrete, nodes);
    for (const [key, group] of fields) {
      const name = group[0]!.name.value;
      if (name === '__typename') continue;
      if (random() < 0.03) continue; // missing
      const definition = concrete.getFields()[name]!;
      object[key] = randomValue(definition.type, group, [...path, key]);
    }
    return object;
  };
  const randomValue = (
    type: GraphQLOutputType,
    nodes: readonly FieldNode[],
    path: Array<string | number>,
  ): unknown => {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (random() < (isNonNullType(type) ? 0.04 : 0.12)) {
      if (random() < 0.5) errors.push(new GraphQLError('tree error', { path }));
      return null;
    }
    if (isListType(inner)) {
      const length = Math.floor(random() * 4);
      return Array.from({ length }, (_, i) => randomValue(inner.ofType, nodes, [...path, i]));
    }
    if (isObjectType(inner) || isAbstractType(inner)) return objectOf(inner, nodes, path);
    if (isEnumType(inner)) return random() < 0.5 ? 'ADMIN' : 'USER';
    switch (inner.name) {
      case 'Int':
        return Math.floor(random() * 100);
      case 'JSON':
        return random() < 0.5 ? { any: [1, 'two'] } : 'text';
      default:
        return `s${Math.floor(random() * 1000)}`;
    }
  };
  const query = schema.getQueryType()!;
  const data = objectOf(query, [operationNode!], []);
  delete data.__typename;
  return { data, errors };
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A small seeded PRNG: a failing round is the same round next time. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
