/**
 * Serves the supergraph's schema (stage: operation). Each operation runs against the schema in
 * service when it starts, so a new schema takes effect for the next operation and never changes
 * one already running. Until a first schema exists, operations get SCHEMA_NOT_READY (503).
 */
import type { GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCodes, gatewayError } from '../../core/errors.ts';
import { endRequest, isRequestEnded } from '../../core/request-outcome.ts';
import type { Supergraph } from './index.ts';

export function useSupergraphSchema(supergraph: Supergraph): Plugin {
  return {
    // On the parameters, not on the request: the JSON fast path runs this hook too.
    onParams(hook) {
      if (isRequestEnded(hook.request)) return;
      if (supergraph.schema === undefined) {
        endRequest(hook, {
          errors: [
            gatewayError(
              'SCHEMA_NOT_READY',
              'no schema is in service yet: no subgraph could be loaded or composed',
              {
                extensions: { http: { status: ErrorCodes.SCHEMA_NOT_READY.status } },
              },
            ),
          ],
        });
      }
    },
    onEnveloped({ setSchema }) {
      setSchema(supergraph.schema as GraphQLSchema);
    },
  };
}
