/**
 * Introspection of the supergraph shows the client's graph only: no `_entities`, `_service`,
 * `_Any`, `_Entity`, `join__*`, `link__*`, no federation directives (`@tag`, `@authenticated`,
 * `@requiresScopes`) nor their scalars, and entity fields from every subgraph on one type; `@defer`,
 * which the gateway answers, is listed.
 */
import type { ConformanceGraph } from '../conformance.ts';
import { apolloSubgraph, fed2, gatehouseSubgraph } from '../harness.ts';

const nonNull = (name: string) => ({ kind: 'NON_NULL', ofType: { name } });
const unknownField = {
  errors: [
    { message: '…', locations: [{ line: 1, column: 3 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
  ],
};

export const introspection: ConformanceGraph = {
  feature: 'introspection of the supergraph',
  subgraphs: () => ({
    accounts: apolloSubgraph(
      `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5",
      import: ["@key", "@tag", "@authenticated", "@requiresScopes"])
    type Query { me: User @authenticated }
    type User @key(fields: "id") { id: ID! name: String! @tag(name: "public") email: String @requiresScopes(scopes: [["read"]]) }`,
    ),
    reviews: gatehouseSubgraph(
      `${fed2('@key', '@external', '@requires', '@provides')}
    type Query { latest: [Review!]! }
    type Review { body: String! author: User! @provides(fields: "name") }
    type User @key(fields: "id") { id: ID! name: String! @external shout: String! @requires(fields: "name") }`,
    ),
  }),
  cases: [
    {
      name: 'lists only the client types, root fields and standard directives in __schema',
      query: `{
        __schema {
          queryType { name fields { name } }
          mutationType { name }
          types { name }
          directives { name }
        }
      }`,
      expected: {
        data: {
          __schema: {
            queryType: { name: 'Query', fields: [{ name: 'me' }, { name: 'latest' }] },
            mutationType: null,
            types: [
              'Query',
              'User',
              'ID',
              'Review',
              'String',
              'Boolean',
              '__Schema',
              '__Type',
              '__TypeKind',
              '__Field',
              '__InputValue',
              '__EnumValue',
              '__Directive',
              '__DirectiveLocation',
            ].map((name) => ({ name })),
            directives: ['include', 'skip', 'deprecated', 'specifiedBy', 'oneOf', 'defer'].map((name) => ({
              name,
            })),
          },
        },
      },
    },
    {
      name: 'answers __type with the merged entity and null for federation internals',
      query: `{
        user: __type(name: "User") { kind fields { name type { kind ofType { name } } } }
        entity: __type(name: "_Entity") { name }
        any: __type(name: "_Any") { name }
        service: __type(name: "_Service") { name }
        graph: __type(name: "join__Graph") { name }
        purpose: __type(name: "link__Purpose") { name }
        scope: __type(name: "requiresScopes__Scope") { name }
      }`,
      expected: {
        data: {
          user: {
            kind: 'OBJECT',
            fields: [
              { name: 'id', type: nonNull('ID') },
              { name: 'name', type: nonNull('String') },
              { name: 'email', type: { kind: 'SCALAR', ofType: null } },
              { name: 'shout', type: nonNull('String') },
            ],
          },
          entity: null,
          any: null,
          service: null,
          graph: null,
          purpose: null,
          scope: null,
        },
      },
    },
    {
      name: 'rejects a query for _service as an unknown field',
      query: '{ _service { sdl } }',
      status: 400,
      expected: unknownField,
    },
    {
      name: 'rejects a query for _entities as an unknown field',
      query: '{ _entities(representations: []) { __typename } }',
      status: 400,
      expected: unknownField,
    },
  ],
};
