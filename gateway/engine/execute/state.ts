/** What one plan execution shares between its nodes: the tree, the errors, the request's inputs. */
import type { PlanNode } from '@graphql-hive/router-query-planner';
import type { GraphQLError } from 'graphql';
import type { PlanFetch } from '../contract.ts';
import type { TreeObject } from './merge.ts';
import type { TypeOracle } from './types.ts';

export interface RunState {
  /** The merged answers, keyed by response keys. */
  tree: TreeObject;
  errors: GraphQLError[];
  variables: Record<string, unknown>;
  fetch: PlanFetch;
  context: object;
  types: TypeOracle;
  /** Told when each fetch node has merged its answer (the `@defer` delivery watches them). */
  onFetchDone?: ((node: PlanNode) => void) | undefined;
  /** Once aborted, no further node starts. */
  signal?: AbortSignal | undefined;
}
