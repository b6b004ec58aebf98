/**
 * The REST mapping directives, declared once. A REST subgraph's SDL (written by hand, or generated
 * from an OpenAPI document) uses them to say which HTTP call resolves which field; `schema/rest`
 * reads them when the subgraph is loaded and strips them from the SDL that is composed, so the
 * supergraph never sees them. `docs/rest.md` documents them with examples.
 */

/** Names of the directives (and the enum) declared below; stripped from composed SDL. */
export const REST_DIRECTIVE_NAMES = ['rest', 'restLookup', 'map'] as const;
export const REST_TYPE_NAMES = ['HttpMethod'] as const;

export const REST_DIRECTIVES_SDL = /* GraphQL */ `
"""The HTTP method of a REST call."""
enum HttpMethod {
  GET
  POST
  PUT
  PATCH
  DELETE
}

"""
Resolves the field with one HTTP call to the subgraph's base URL.
Templates take {args.x} (field arguments) and, on object fields, {parent.x} (the parent object).
"""
directive @rest(
  "@default GET"
  method: HttpMethod = GET
  "Path template, appended to the base URL: \\"/products/{args.id}\\". Values are URL-encoded."
  path: String!
  "Query parameters: \\"limit={args.first}\\"; dropped when a value is null."
  query: [String!]
  "Headers: \\"X-Tenant: {args.tenant}\\"; dropped when a value is null."
  headers: [String!]
  "What to send as the JSON body: \\"args.input\\". @default all arguments for POST, PUT and PATCH"
  body: String
  "Part of the JSON response to return: \\"data.items\\". @default the whole response"
  select: String
) on FIELD_DEFINITION

"""
How to fetch an entity by its key, for other subgraphs' references. A single form
(path: "/products/{key.id}"), a batch form (batchPath: "/products", batchParameter: "ids",
sent as GET /products?ids=1,2,3), or both.
"""
directive @restLookup(
  "Key fields this lookup takes, as in @key(fields:). @default the fields of the type's first @key"
  key: String
  "Path template of the single form, with {key.x}."
  path: String
  "Part of the single response that is the entity. @default the whole response"
  select: String
  "Path of the batch form (no template variables)."
  batchPath: String
  "Query parameter of the batch form that takes the keys, comma-separated."
  batchParameter: String
  "Part of the batch response that is the list of entities. @default the whole response"
  batchSelect: String
  "Most keys in one batch call. @default 100"
  maxBatchSize: Int = 100
) repeatable on OBJECT

"""
The name in the JSON of a field, input field or enum value whose GraphQL name differs.
On a field whose type is an entity, a scalar value (a foreign key) becomes a reference to it.
"""
directive @map(from: String!) on FIELD_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
`;
