/** The one error every operation limit gives: OPERATION_LIMIT_EXCEEDED, naming the limit. */
import type { GraphQLError } from 'graphql';
import { gatewayError } from '../../core/errors.ts';

/** Names of the `limits.*` keys an operation can exceed. */
export type LimitName =
  | 'maxFields'
  | 'maxTokens'
  | 'maxDepth'
  | 'maxAliases'
  | 'maxRootFields'
  | 'maxDuplicateFields'
  | 'maxDirectivesPerField'
  | 'maxDirectives'
  | 'maxOperations'
  | 'maxVariableDepth'
  | 'maxVariableValues';

/**
 * OPERATION_LIMIT_EXCEEDED for `limit`, with `extensions.limit` naming it. The HTTP status is on
 * the error too: one thrown from the parser never reaches the error-status room.
 */
export function limitExceeded(limit: LimitName, message: string): GraphQLError {
  return gatewayError('OPERATION_LIMIT_EXCEEDED', message, {
    extensions: { limit, http: { status: 400 } },
  });
}
