import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildSchema,
  type DocumentNode,
  Kind,
  type ObjectTypeDefinitionNode,
  parse,
  print,
  type StringValueNode,
} from 'graphql';
import { GatehouseError } from '../../core/errors.ts';
import { composeSubgraphs } from '../../schema/compose.ts';
import { configLookups, resolveLookups } from '../../schema/graphql-service/lookups.ts';
import {
  FEDERATION_LINK,
  federationServiceSdl,
  normalisedServiceSdl,
} from '../../schema/graphql-service/subgraph-sdl.ts';
import { ACCOUNTS_SDL } from '../integration/graphql-service.fixtures.ts';

function serviceSdl(sdl: string, lookups = configLookups([])): DocumentNode {
  const schema = buildSchema(sdl);
  return federationServiceSdl(normalisedServiceSdl('svc', schema), resolveLookups('svc', schema, lookups));
}

const accounts = serviceSdl(
  ACCOUNTS_SDL,
  configLookups([
    { type: 'User', key: 'id', field: 'usersByIds', argument: 'ids', batch: true },
    { type: 'Membership', key: 'userId orgId', field: 'membership', argument: 'key', batch: false },
  ]),
);

const typeNames = (document: DocumentNode) =>
  document.definitions.flatMap((d) => ('name' in d && d.name ? [d.name.value] : []));

function objectType(document: DocumentNode, name: string): ObjectTypeDefinitionNode {
  const found = document.definitions.find(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === name,
  );
  assert.ok(found, `type ${name}`);
  return found;
}

/** `@name(fields: "...")` of a type, as `name` or `name:fields`. */
const directivesOf = (document: DocumentNode, name: string) =>
  (objectType(document, name).directives ?? []).map((d) => {
    const fields = d.arguments?.find((a) => a.name.value === 'fields')?.value as StringValueNode | undefined;
    return fields ? `${d.name.value}:${fields.value}` : d.name.value;
  });

describe('graphql-service subgraph SDL', () => {
  it('links federation v2 and imports the directives it uses', () => {
    const link = accounts.definitions[0];
    assert.equal(link?.kind, Kind.SCHEMA_EXTENSION);
    const text = print({ kind: Kind.DOCUMENT, definitions: [link] });
    assert.ok(
      text.includes(FEDERATION_LINK) && text.includes('"@key"') && text.includes('"@shareable"'),
      text,
    );
  });

  it('renames the roots Query and Mutation, and drops subscriptions and custom directives', () => {
    const names = typeNames(accounts);
    for (const kept of [
      'Query',
      'Mutation',
      'User',
      'Org',
      'DateTime',
      'Role',
      'Node',
      'SearchResult',
      'UserFilter',
    ]) {
      assert.ok(names.includes(kept), kept);
    }
    for (const dropped of [
      'QueryRoot',
      'MutationRoot',
      'SubscriptionRoot',
      'String',
      'ID',
      'Boolean',
      '__Schema',
    ]) {
      assert.ok(!names.includes(dropped), dropped);
    }
    assert.ok(
      !accounts.definitions.some(
        (d) => d.kind === Kind.DIRECTIVE_DEFINITION || d.kind === Kind.SCHEMA_DEFINITION,
      ),
    );
  });

  it('renames references to a root type too', () => {
    const document = serviceSdl('schema { query: Root } type Root { self: Root name: String }');
    const self = objectType(document, 'Query').fields?.find((f) => f.name.value === 'self');
    assert.equal(self?.type.kind === Kind.NAMED_TYPE && self.type.name.value, 'Query');
  });

  it('makes lookup types entities and other object types shareable value types; roots stay owned', () => {
    assert.deepEqual(directivesOf(accounts, 'User'), ['key:id']);
    assert.deepEqual(directivesOf(accounts, 'Membership'), ['key:userId orgId']);
    for (const value of ['Org', 'PageInfo', 'UserConnection'])
      assert.deepEqual(directivesOf(accounts, value), ['shareable']);
    assert.deepEqual(directivesOf(accounts, 'Query'), []);
    assert.deepEqual(directivesOf(accounts, 'Mutation'), []);
  });

  it('keeps descriptions and deprecations', () => {
    const user = objectType(accounts, 'User');
    assert.equal(user.description?.value, 'A person with an account.');
    const username = user.fields?.find((f) => f.name.value === 'username');
    assert.equal(username?.description?.value, 'The login name.');
    assert.deepEqual(
      username?.directives?.map((d) => d.name.value),
      ['deprecated'],
    );
  });

  it('composes with a federation subgraph that extends the entity and shares a value type', () => {
    const reviews = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
      type User @key(fields: "id") { id: ID! reviews: [String!]! }
      type PageInfo @shareable { hasNextPage: Boolean! }
      type Query { reviewPage: PageInfo }
    `);
    const result = composeSubgraphs([
      { name: 'accounts', typeDefs: accounts, url: 'http://accounts' },
      { name: 'reviews', typeDefs: reviews, url: 'http://reviews' },
    ]);
    assert.equal(result.problems, undefined, JSON.stringify(result.problems));
  });

  it('composes two plain services sharing value types, and reports a root field both define', () => {
    const a = serviceSdl('type PageInfo { hasNextPage: Boolean! } type Query { a: PageInfo }');
    const b = serviceSdl('type PageInfo { hasNextPage: Boolean! } type Query { b: PageInfo }');
    assert.equal(
      composeSubgraphs([
        { name: 'a', typeDefs: a, url: 'http://a' },
        { name: 'b', typeDefs: b, url: 'http://b' },
      ]).problems,
      undefined,
    );
    const clash = serviceSdl('type PageInfo { hasNextPage: Boolean! } type Query { a: PageInfo }');
    const result = composeSubgraphs([
      { name: 'a', typeDefs: a, url: 'http://a' },
      { name: 'clash', typeDefs: clash, url: 'http://clash' },
    ]);
    assert.deepEqual(
      result.problems?.map((p) => p.code),
      ['INVALID_FIELD_SHARING'],
    );
  });

  it('refuses a service that defines federation names or a non-root type named like a root', () => {
    for (const sdl of [
      'type Query { _service: String }',
      'scalar _Any type Query { a: _Any }',
      'schema { query: Root } type Root { q: Query } type Query { a: String }',
    ]) {
      assert.throws(
        () => normalisedServiceSdl('svc', buildSchema(sdl)),
        (error) => error instanceof GatehouseError && error.code === 'SUBGRAPH_LOAD_FAILED',
        sdl,
      );
    }
  });
});
