/**
 * What clients may see of an error (stage: response). Gateway errors (made by `gatewayError()`,
 * whatever their code), errors a subgraph returned, and GraphQL validation errors pass through; anything else is replaced by an
 * INTERNAL_SERVER_ERROR with no details and logged with its stack. Errors a subgraph returned
 * pass as `subgraphErrors` says (by default the message and code; see subgraph-errors.ts).
 */
import { GraphQLError } from 'graphql';
import { copyExtensions, isGatewayError } from '../../core/errors.ts';
import type { SubgraphErrorsConfig } from '../config/schema.ts';
import type { Logger } from '../logger/index.ts';
import { applySubgraphErrorPolicy, subgraphErrorPolicies, subgraphOf } from './subgraph-errors.ts';

export function createMaskError(logger: Logger, subgraphErrors?: SubgraphErrorsConfig) {
  const policyOf = subgraphErrorPolicies(subgraphErrors);
  return function maskError(error: unknown, message: string): Error {
    if (error instanceof GraphQLError) {
      let original = error.originalError;
      // The planner relocates subgraph errors, each time wrapping the last one: judge the innermost.
      while (original instanceof GraphQLError && original.originalError instanceof GraphQLError) {
        original = original.originalError;
      }
      const innermost = original instanceof GraphQLError ? original : error;
      const service = innermost.originalError == null ? subgraphOf(innermost) : undefined;
      if (service !== undefined)
        return applySubgraphErrorPolicy(error, innermost, service, policyOf(service));
      if (isGatewayError(error) && (original === undefined || original === null)) return error;
      if (original === undefined || original === null) return withoutInternals(error); // parse, validation errors
      if (isGatewayError(original)) {
        return new GraphQLError(original.message, {
          nodes: error.nodes,
          path: error.path,
          extensions: copyExtensions(original),
        });
      }
      if (original instanceof GraphQLError && original.originalError == null) return error;
      logger.error('unexpected error while executing an operation', { error: original, path: error.path });
      return new GraphQLError(message, {
        nodes: error.nodes,
        path: error.path,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    }
    logger.error('unexpected error', { error });
    return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  };
}

/**
 * A request-stage error of Yoga without what it adds of the failure beneath it: a body that is not
 * JSON comes as BAD_REQUEST with the JSON parser's own message in `extensions.originalError`
 * (internals, never for clients); it gets our message and no such extension. Yoga answers 200 to
 * `application/json` for an error marked `http.spec` unless it has that extension: the mark goes
 * with it, so the status stays the error's own (400).
 */
function withoutInternals(error: GraphQLError): GraphQLError {
  if (error.extensions.originalError === undefined) return error;
  const { originalError: _internals, ...extensions } = error.extensions;
  const http = extensions.http as { spec?: boolean } | undefined;
  if (http?.spec !== undefined) {
    const { spec: _legacy, ...rest } = http;
    extensions.http = rest;
  }
  const message = extensions.code === 'BAD_REQUEST' ? 'The request body is not valid JSON.' : error.message;
  return new GraphQLError(message, { nodes: error.nodes, path: error.path, extensions });
}
