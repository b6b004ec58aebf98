import { GraphQLError } from 'graphql';
import { isGatewayError } from '../../core/errors.ts';
import { subgraphOf } from './subgraph-errors.ts';

/**
 * True when `error` is, or wraps, a catalogue error or an error a subgraph returned: an upstream
 * failure already reported to the client with its code. Such errors are expected at run time and
 * are not logged as errors.
 */
export function isExpectedError(error: unknown): boolean {
  for (let e: unknown = error; e instanceof GraphQLError; e = e.originalError) {
    if (isGatewayError(e)) return true;
    if (e.originalError == null && subgraphOf(e) !== undefined) return true;
  }
  return false;
}
