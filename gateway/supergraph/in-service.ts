/**
 * The hot swap: the schema in service and the listeners told of each new one. A supergraph SDL
 * that fails to build never replaces the schema in service; a listener that throws is logged.
 */
import type { GraphQLSchema } from 'graphql';
import type { SubgraphExecutor } from '../../core/subgraph-call.ts';
import { buildGatewaySchema, type SupergraphSubgraph } from '../../schema/supergraph.ts';
import type { Logger } from '../logger/index.ts';

export type ExecutorFor = (subgraph: SupergraphSubgraph) => SubgraphExecutor;

export interface SchemaInService {
  readonly schema: GraphQLSchema | undefined;
  readonly supergraphSdl: string | undefined;
  /** Builds `sdl` and puts it in service; returns the build error when it fails. */
  put(sdl: string, executorFor: ExecutorFor): { ok: true } | { ok: false; problem: string };
  /** Called with each new schema put in service. Returns an unsubscribe function. */
  onSchema(listener: (schema: GraphQLSchema) => void): () => void;
}

export function createSchemaInService(logger: Logger): SchemaInService {
  const listeners = new Set<(schema: GraphQLSchema) => void>();
  let schema: GraphQLSchema | undefined;
  let supergraphSdl: string | undefined;
  return {
    get schema() {
      return schema;
    },
    get supergraphSdl() {
      return supergraphSdl;
    },
    put(sdl, executorFor) {
      let next: GraphQLSchema;
      try {
        next = buildGatewaySchema(sdl, executorFor);
      } catch (error) {
        logger.error('the new supergraph could not be built; the schema in service is kept', { error });
        return { ok: false, problem: `building the executable schema failed: ${(error as Error).message}` };
      }
      schema = next;
      supergraphSdl = sdl;
      for (const listener of listeners) {
        // One listener that throws neither stops the others nor undoes the swap.
        try {
          listener(next);
        } catch (error) {
          logger.error('a listener of the schema in service threw; the new schema stays in service', {
            error,
          });
        }
      }
      return { ok: true };
    },
    onSchema(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
