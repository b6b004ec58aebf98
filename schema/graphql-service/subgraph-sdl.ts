/**
 * From a plain service's schema to SDL: the service's types as they are, normalised for a
 * subgraph, and the federation v2 SDL composed into the supergraph.
 *
 * Normalised: root types renamed `Query` / `Mutation` (composition and the planner know roots by
 * these names), subscriptions dropped (the upstream transport is one POST per operation), custom
 * directive definitions dropped (a service's directives are its own business, and composition
 * would reject unknown type-system directives). Built-in scalars and introspection types are not
 * printed; descriptions, deprecations, custom scalars, enums, interfaces, unions and input types
 * are kept.
 *
 * Federation: a type with a lookup is an entity (`@key`); every other object type is a value type
 * marked `@shareable`, so another subgraph may define the same type (a `PageInfo`, a `Money`)
 * and composition accepts both. Root fields are not shareable: each belongs to one subgraph, and a
 * name clash with another subgraph is a composition error naming both.
 */
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  Kind,
  type ObjectTypeDefinitionNode,
  parse,
  printSchema,
  visit,
} from 'graphql';
import { loadFailed } from '../../core/errors.ts';
import type { ResolvedLookup } from './lookups.ts';

/** The federation version the generated SDL links to. */
export const FEDERATION_LINK = 'https://specs.apollo.dev/federation/v2.3';

/** Names the federation subgraph machinery owns; a plain service must not define them. */
const RESERVED = ['_Any', '_Entity', '_Service', '_entities', '_service'];

/** The service's types, normalised for a subgraph (see the file comment). */
export function normalisedServiceSdl(serviceName: string, schema: GraphQLSchema): DocumentNode {
  const query = schema.getQueryType();
  if (query === undefined || query === null) {
    throw loadFailed(serviceName, `GraphQL service ${serviceName} has no query type`);
  }
  const renames = new Map<string, string>([[query.name, 'Query']]);
  const mutation = schema.getMutationType();
  if (mutation) renames.set(mutation.name, 'Mutation');
  const subscription = schema.getSubscriptionType();

  const problems: string[] = [];
  for (const [rootName, root] of [
    ['Query', query],
    ['Mutation', mutation],
    ['Subscription', subscription],
  ] as const) {
    const type = schema.getType(rootName);
    if (type && type !== root) {
      problems.push(
        `its type ${rootName} is not its ${rootName.toLowerCase()} root; federation reserves the name`,
      );
    }
  }
  const reserved = RESERVED.filter((name) => schema.getType(name) || query.getFields()[name]);
  if (reserved.length > 0) {
    problems.push(
      `it defines ${reserved.join(', ')}, which federation owns; if it is a federation subgraph, use kind: federation`,
    );
  }
  if (problems.length > 0) {
    throw loadFailed(serviceName, `GraphQL service ${serviceName} cannot be a subgraph`, undefined, problems);
  }

  return visit(parse(printSchema(schema), { noLocation: true }), {
    SchemaDefinition: () => null,
    SchemaExtension: () => null,
    DirectiveDefinition: () => null,
    ObjectTypeDefinition(node) {
      if (node.name.value === subscription?.name) return null;
      const name = renames.get(node.name.value);
      return name ? { ...node, name: { ...node.name, value: name } } : undefined;
    },
    NamedType(node) {
      const name = renames.get(node.name.value);
      return name ? { ...node, name: { ...node.name, value: name } } : undefined;
    },
  });
}

/** The federation v2 subgraph SDL: `@link`, `@key` on entities, `@shareable` on value types. */
export function federationServiceSdl(
  normalised: DocumentNode,
  lookups: readonly ResolvedLookup[],
): DocumentNode {
  const keys = new Map(lookups.map((lookup) => [lookup.type, lookup.key]));
  const definitions = normalised.definitions.map((definition) => {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) return definition;
    const name = definition.name.value;
    if (name === 'Query' || name === 'Mutation') return definition;
    const key = keys.get(name);
    const added = key === undefined ? directive('shareable') : directive('key', key);
    return {
      ...definition,
      directives: [...(definition.directives ?? []), added],
    } satisfies ObjectTypeDefinitionNode;
  });
  const link = parse(`extend schema @link(url: "${FEDERATION_LINK}", import: ["@key", "@shareable"])`, {
    noLocation: true,
  }).definitions;
  return { kind: Kind.DOCUMENT, definitions: [...link, ...definitions] };
}

function directive(name: string, fields?: string): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: name },
    arguments:
      fields === undefined
        ? []
        : [
            {
              kind: Kind.ARGUMENT,
              name: { kind: Kind.NAME, value: 'fields' },
              value: { kind: Kind.STRING, value: fields },
            },
          ],
  };
}
