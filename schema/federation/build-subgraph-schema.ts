/**
 * Builds an executable federation subgraph from SDL and resolvers: adds `_service { sdl }`,
 * `_entities(representations:)`, `_Any` and the `_Entity` union, and resolves entities through
 * each type's `__resolveReference`. Used by the in-process REST and GraphQL-service subgraphs and
 * by the example subgraphs. Federation v1 (`extend type`) and v2 (`@link`) SDL are both accepted.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  type DefinitionNode,
  type DocumentNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  Kind,
  type ObjectTypeDefinitionNode,
  parse,
  print,
} from 'graphql';

/** Resolves a reference (`{ __typename, ...keyFields }`) to the entity, or null when unknown. */
export type ReferenceResolver<TContext = unknown> = (
  reference: Record<string, unknown>,
  context: TContext,
  info: GraphQLResolveInfo,
) => unknown;

type FieldResolver<TContext> = (
  parent: never,
  args: never,
  context: TContext,
  info: GraphQLResolveInfo,
) => unknown;

/** Resolvers per type; a type may add `__resolveReference` to be an entity other subgraphs join. */
export type SubgraphResolvers<TContext = unknown> = Record<
  string,
  Record<
    string,
    FieldResolver<TContext> | ReferenceResolver<TContext> | { resolve: FieldResolver<TContext> }
  > & {
    __resolveReference?: ReferenceResolver<TContext>;
  }
>;

export interface BuildSubgraphSchemaOptions<TContext = unknown> {
  typeDefs: string | DocumentNode;
  resolvers?: SubgraphResolvers<TContext>;
}

const FEDERATION_TYPES = /* GraphQL */ `
  scalar _Any
  type _Service { sdl: String }
`;

/** Names of object types carrying `@key` (any alias of it: `@key`, `@federation__key`). */
export function entityTypeNames(document: DocumentNode): string[] {
  return keyedTypeNames(document, [Kind.OBJECT_TYPE_DEFINITION, Kind.OBJECT_TYPE_EXTENSION]);
}

/** Names of interfaces carrying `@key` (federation 2.3 entity interfaces). */
export function entityInterfaceNames(document: DocumentNode): string[] {
  return keyedTypeNames(document, [Kind.INTERFACE_TYPE_DEFINITION, Kind.INTERFACE_TYPE_EXTENSION]);
}

function keyedTypeNames(document: DocumentNode, kinds: readonly Kind[]): string[] {
  const names = new Set<string>();
  for (const def of document.definitions) {
    if (
      kinds.includes(def.kind) &&
      'directives' in def &&
      'name' in def &&
      def.name !== undefined &&
      def.directives?.some((d) => d.name.value === 'key' || d.name.value === 'federation__key')
    ) {
      names.add(def.name.value);
    }
  }
  return [...names];
}

/**
 * Turns federation v1 `extend type X` of a type defined nowhere else into `type X`, so that
 * graphql-js can build it (in a subgraph the type is defined by another service).
 */
function definePhantomExtensions(document: DocumentNode): DefinitionNode[] {
  const defined = new Set<string>();
  for (const def of document.definitions) {
    if (
      'name' in def &&
      def.name &&
      def.kind.endsWith('Definition') &&
      def.kind !== Kind.DIRECTIVE_DEFINITION
    ) {
      defined.add(def.name.value);
    }
  }
  return document.definitions.map((def) => {
    if (def.kind === Kind.OBJECT_TYPE_EXTENSION && !defined.has(def.name.value)) {
      defined.add(def.name.value);
      return { ...def, kind: Kind.OBJECT_TYPE_DEFINITION } as ObjectTypeDefinitionNode;
    }
    return def;
  });
}

export function buildSubgraphSchema<TContext = unknown>(
  options: BuildSubgraphSchemaOptions<TContext>,
): GraphQLSchema {
  const document = typeof options.typeDefs === 'string' ? parse(options.typeDefs) : options.typeDefs;
  const sdl = typeof options.typeDefs === 'string' ? options.typeDefs : print(options.typeDefs);
  const entities = entityTypeNames(document);
  const entityInterfaces = entityInterfaceNames(document);
  const resolvers = options.resolvers ?? {};

  const extra = [FEDERATION_TYPES];
  if (entities.length > 0) extra.push(`union _Entity = ${entities.join(' | ')}`);
  const hasQuery = document.definitions.some(
    (d) =>
      (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) &&
      d.name.value === 'Query',
  );
  extra.push(
    `${hasQuery ? 'extend type' : 'type'} Query { _service: _Service! ${
      entities.length > 0 ? '_entities(representations: [_Any!]!): [_Entity]!' : ''
    } }`,
  );

  const typeDefs: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [...definePhantomExtensions(document), ...parse(extra.join('\n')).definitions],
  };

  const referenceResolvers = new Map<string, ReferenceResolver<TContext>>();
  const fieldResolvers: Record<string, Record<string, unknown>> = {};
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const { __resolveReference, ...rest } = fields;
    if (__resolveReference) referenceResolvers.set(typeName, __resolveReference);
    fieldResolvers[typeName] = rest;
  }

  fieldResolvers.Query ??= {};
  const query = fieldResolvers.Query;
  query._service = () => ({ sdl });
  if (entities.length > 0) {
    query._entities = (
      _root: unknown,
      args: { representations: Record<string, unknown>[] },
      context: TContext,
      info: GraphQLResolveInfo,
    ) =>
      args.representations.map((reference) => {
        const typename = reference.__typename;
        const isObject = typeof typename === 'string' && entities.includes(typename);
        if (!isObject && !(typeof typename === 'string' && entityInterfaces.includes(typename))) {
          return new Error(`representation has an unknown __typename: ${String(typename)}`);
        }
        const resolve = referenceResolvers.get(typename);
        const value = resolve ? resolve(reference, context, info) : reference;
        if (isObject) return withTypename(value, typename);
        // An entity interface: the value's own __typename, or the interface's __resolveType, names
        // the implementation (the `_Entity` union holds implementations only).
        const resolveType = fieldResolvers[typename]?.__resolveType;
        return withConcreteType(value, typename, (v) =>
          typeof resolveType === 'function' ? resolveType(v, context, info) : undefined,
        );
      });
    fieldResolvers._Entity = {
      __resolveType: (value: { __typename?: string }) => value.__typename,
    };
  }

  return makeExecutableSchema({
    typeDefs,
    resolvers: fieldResolvers as never,
    assumeValidSDL: true,
    resolverValidationOptions: { requireResolversToMatchSchema: 'ignore' },
  });
}

/** The entity with the representation's __typename (an object type's entity is of that type). */
function withTypename(value: unknown, typename: string): unknown {
  if (value instanceof Promise) return value.then((v) => withTypename(v, typename));
  if (value === null || value === undefined || value instanceof Error) return value ?? null;
  if (typeof value === 'object' && (value as { __typename?: unknown }).__typename !== typename) {
    return { ...value, __typename: typename };
  }
  return value;
}

async function withConcreteType(
  value: unknown,
  interfaceName: string,
  resolveType: (value: unknown) => unknown,
): Promise<unknown> {
  const resolved = await value;
  if (resolved === null || resolved === undefined || resolved instanceof Error) return resolved ?? null;
  const own = (resolved as { __typename?: unknown }).__typename;
  if (typeof own === 'string' && own !== interfaceName) return resolved;
  const typename = await resolveType(resolved);
  if (typeof typename !== 'string') return new Error('cannot tell which implementation this entity is');
  return { ...(resolved as object), __typename: typename };
}
