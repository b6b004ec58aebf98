/**
 * Where the service's errors land. Delegation leaves them in the data, at the null they stand
 * for, with the service's own path (`usersByIds.0.name`), which is not where the object lands in
 * this subgraph's answer (`_entities.3.name`: batch order, deduplicated keys). Stripping the path
 * lets execution locate each error where its value is actually resolved.
 *
 * The answer then reads like a remote subgraph's: errors are plain GraphQL errors (message, path,
 * extensions), so the gateway passes them through as it does for any subgraph. Only failures of
 * the subgraph's own code keep their original error, to be masked and logged.
 */
import { defaultMergedResolver, type ExternalObject } from '@graphql-tools/delegate';
import type { ExecutionResult } from '@graphql-tools/utils';
import { GraphQLError, type GraphQLFieldResolver } from 'graphql';

/** `error` without its path; an aggregate (several errors for one null) becomes its first error. */
export function unlocated(error: Error): Error {
  const first =
    error instanceof AggregateError && error.errors[0] instanceof GraphQLError ? error.errors[0] : error;
  if (!(first instanceof GraphQLError)) return error;
  return new GraphQLError(first.message, {
    nodes: first.nodes,
    source: first.source,
    positions: first.positions,
    originalError: first.originalError,
    extensions: first.extensions,
  });
}

/** A value as a resolver returns it, its errors unlocated. */
export function unlocatedValue(value: unknown): unknown {
  if (value instanceof Error) return unlocated(value);
  if (value instanceof Promise) return value.then(unlocatedValue);
  return value;
}

/** `defaultMergedResolver`, with the errors it returns left for execution to locate. */
export const mergedFieldResolver: GraphQLFieldResolver<unknown, unknown> = (parent, args, context, info) =>
  unlocatedValue(
    defaultMergedResolver(parent as ExternalObject, args, context as Record<string, unknown>, info),
  );

/** The result with each error flattened to what a remote subgraph would have sent. */
export function asRemoteResult(result: ExecutionResult): ExecutionResult {
  if (result.errors === undefined) return result;
  return { ...result, errors: result.errors.map(flatten) };
}

function flatten(error: GraphQLError): GraphQLError {
  let cause: unknown = error.originalError;
  // Unwrap the chain of located copies down to the error that was raised or returned.
  while (cause instanceof GraphQLError && cause.originalError instanceof GraphQLError)
    cause = cause.originalError;
  if (cause !== undefined && cause !== null && !(cause instanceof GraphQLError)) return error;
  if (cause instanceof GraphQLError && cause.originalError !== undefined && cause.originalError !== null)
    return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: error.extensions,
  });
}
