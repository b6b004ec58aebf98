/**
 * Puts subgraph errors at the client's path (stage: field). The planner batches entity fetches
 * (`_entities`) for all the items of a list in one request and loses each item's position: an
 * error for the second product comes back at `["topProducts", "reviews"]` or at the first item's
 * path. And when a subgraph reports a non-null field as null inside an entity, the planner drops
 * its error, so the client only got the gateway's own non-null violation, masked as internal.
 *
 * Every field of a non-root object type is wrapped once, when the schema is built:
 * - an error it resolves to is moved to the field's real path (keeping the part of its path
 *   below the field, for an error deeper in a nested object);
 * - null for a non-null field becomes a SUBGRAPH_ERROR naming the subgraph that sent the null.
 * The wrapper adds one call and one check per field (and a `then` for fields fetched on demand).
 * Root fields are not wrapped: their errors come back with the right path.
 */
import { getSubschema, isExternalObject } from '@graphql-tools/delegate';
import {
  defaultFieldResolver,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  isNonNullType,
  isObjectType,
  type ResponsePath,
} from 'graphql';
import { gatewayError } from '../../core/errors.ts';

/** Maps a planner subschema name to the subgraph name clients see as `serviceName`. */
export type ServiceNameOf = (subschemaName: string) => string | undefined;

export function locateSubgraphErrors(schema: GraphQLSchema, serviceNameOf: ServiceNameOf): GraphQLSchema {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || roots.has(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      const nonNull = isNonNullType(field.type);
      const coordinate = `${type.name}.${field.name}`;
      const settle = (value: unknown, source: unknown, info: GraphQLResolveInfo): unknown => {
        if (value instanceof GraphQLError) return relocate(value, pathOf(info.path));
        if (nonNull && value == null) {
          const subschema = isExternalObject(source)
            ? getSubschema(source, info.path.key as string)
            : undefined;
          const name = subschema && 'name' in subschema ? subschema.name : undefined;
          return gatewayError('SUBGRAPH_ERROR', `Cannot return null for non-nullable field ${coordinate}.`, {
            serviceName: name === undefined ? undefined : serviceNameOf(name),
            path: pathOf(info.path),
          });
        }
        return value;
      };
      const fail = (error: unknown, info: GraphQLResolveInfo): never => {
        throw error instanceof GraphQLError ? relocate(error, pathOf(info.path)) : error;
      };
      field.resolve = function locateErrors(source, args, context, info) {
        let result: unknown;
        try {
          result = resolve(source, args, context, info);
        } catch (error) {
          return fail(error, info);
        }
        // Merged fields fetched on demand come back as promises.
        if (result instanceof Promise) {
          return result.then(
            (value) => settle(value, source, info),
            (error) => fail(error, info),
          );
        }
        return settle(result, source, info);
      };
    }
  }
  return schema;
}

function pathOf(path: ResponsePath | undefined): Array<string | number> {
  const segments: Array<string | number> = [];
  for (let p = path; p !== undefined; p = p.prev) segments.unshift(p.key);
  return segments;
}

/**
 * The error at `fieldPath`, plus whatever its own path has below the field. Its own path is the
 * field's path with list positions missing or wrong: the response keys match, in order.
 */
function relocate(error: GraphQLError, fieldPath: Array<string | number>): GraphQLError {
  const own = error.path ?? [];
  const keys = fieldPath.filter((s) => typeof s === 'string');
  let matched = 0;
  let end = -1;
  for (let i = 0; i < own.length && matched < keys.length; i++) {
    if (typeof own[i] !== 'string') continue;
    if (own[i] !== keys[matched]) break;
    matched++;
    end = i;
  }
  const below = matched === keys.length ? own.slice(end + 1) : [];
  const path = [...fieldPath, ...below];
  if (path.length === own.length && path.every((s, i) => s === own[i])) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
