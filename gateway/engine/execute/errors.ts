/**
 * Subgraph errors moved to client paths. A moved error is a new `GraphQLError` that keeps the
 * original's message, nodes, `originalError` and its very `extensions` object (the gateway tells
 * its own errors from a subgraph's by that object's identity, and `serviceName` rides on it).
 */
import { GraphQLError } from 'graphql';
import { gatewayError } from '../../../core/errors.ts';
import type { ResponsePath } from './collect.ts';

/** An error as a fetch may return it: a `GraphQLError`, or its JSON shape. */
export interface ReturnedError {
  message: string;
  path?: ReadonlyArray<string | number> | undefined;
  extensions?: Record<string, unknown> | undefined;
}

/** `error` as a GraphQLError (the same object when it already is one). */
export function asGraphQLError(error: ReturnedError): GraphQLError {
  if (error instanceof GraphQLError) return error;
  return new GraphQLError(error.message, { path: error.path, extensions: error.extensions });
}

/** `error` at `path` (the same error when it is already there). */
export function relocated(error: GraphQLError, path: ResponsePath | undefined): GraphQLError {
  if (samePath(error.path, path)) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

function samePath(a: ResponsePath | undefined, b: ResponsePath | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The error recorded at an entity location for which a subgraph answered nothing, and said nothing. */
export function missingEntity(serviceName: string, path: ResponsePath): GraphQLError {
  return gatewayError('SUBGRAPH_ERROR', `${serviceName} returned no entity for this object`, {
    serviceName,
    path,
  });
}

/** The error of a fetch that returned neither data nor errors. */
export function emptyAnswer(serviceName: string, path?: ResponsePath): GraphQLError {
  return gatewayError('SUBGRAPH_BAD_RESPONSE', `${serviceName} answered with neither data nor errors`, {
    serviceName,
    path,
  });
}

/** The error of a fetch whose promise rejected (the pipeline normally turns failures into results). */
export function fetchFailed(serviceName: string, cause: unknown): GraphQLError {
  if (cause instanceof GraphQLError) return cause;
  return gatewayError('SUBGRAPH_UNAVAILABLE', `${serviceName} failed`, { serviceName, cause });
}
