/**
 * A fetch at the root (queries' root fields, each mutation root field in its turn): its answer is
 * merged into the tree; its errors keep their paths, which are the client's (the planner keeps
 * the client's aliases). A fetch that returned no data puts its path-less errors at each of its
 * root fields, so that each field the client asked for is explained.
 */
import type { FetchNode } from '@graphql-hive/router-query-planner';
import { asGraphQLError, emptyAnswer, type ReturnedError, relocated } from './errors.ts';
import { isObject, mergeInto } from './merge.ts';
import { prepareFetch, send } from './request.ts';
import { applyRewrites, compileRewrites } from './rewrites.ts';
import type { RunState } from './state.ts';

export async function runRootFetch(state: RunState, node: FetchNode): Promise<void> {
  const fetch = prepareFetch(node);
  const result = await send(state, fetch);
  const data = isObject(result.data) ? result.data : undefined;
  const errors = (result.errors ?? []) as readonly ReturnedError[];
  for (const returned of errors) {
    const error = asGraphQLError(returned);
    if (error.path !== undefined || data !== undefined || fetch.rootKeys.length === 0)
      state.errors.push(error);
    else for (const key of fetch.rootKeys) state.errors.push(relocated(error, [key]));
  }
  if (data === undefined) {
    if (errors.length === 0) state.errors.push(emptyAnswer(fetch.serviceName));
    return;
  }
  const rewrites = compileRewrites(node.outputRewrites);
  if (rewrites.length > 0) applyRewrites(data, rewrites, state.types);
  mergeInto(state.tree, data, state.types);
}
