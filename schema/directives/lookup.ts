/**
 * The `@lookup` directive, declared once. In the `schemaFile` of a plain GraphQL service it marks
 * a Query field that fetches an object by its key, the SDL twin of the config's `lookups` entries:
 * the field's return type becomes an entity other subgraphs can join. `schema/graphql-service`
 * reads it when the service is loaded; the composed SDL never carries it (directive usages are not
 * part of a printed schema). `docs/graphql-service.md` documents it with examples.
 */

export const LOOKUP_DIRECTIVE_NAME = 'lookup';

export const LOOKUP_DIRECTIVE_SDL = /* GraphQL */ `
"""
Resolves the field's return type by key for other subgraphs: the type becomes an entity
(@key(fields: key)). On a Query field returning the type, or a list of it (a batch lookup).
"""
directive @lookup(
  "Key fields, in @key(fields:) syntax. @default \\"id\\""
  key: String = "id"
  "The argument that takes the key (or the list of keys). @default the only argument, else \\"id\\""
  argument: String
  "The field takes a list of keys and returns the entities in the same order. @default true when the field returns a list"
  batch: Boolean
) on FIELD_DEFINITION
`;
