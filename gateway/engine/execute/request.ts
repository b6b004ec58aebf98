/**
 * One subgraph request per fetch node: its operation parsed once per plan node (plans are cached
 * and reused, so the `WeakMap` on the node object parses each operation once in the plan's life),
 * the text remembered as the printed form (sent as is), and the operation's variables picked.
 */
import type { BatchFetchNode, FetchNode } from '@graphql-hive/router-query-planner';
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { type DocumentNode, Kind, OperationTypeNode, parse } from 'graphql';
import { rememberPrinted } from '../../../core/print-cache.ts';
import { fetchFailed } from './errors.ts';
import type { RunState } from './state.ts';

/** A fetch node, read once. */
export interface PreparedFetch {
  serviceName: string;
  document: DocumentNode;
  operationType: OperationTypeNode;
  operationName: string | undefined;
  variableUsages: readonly string[];
  /** Response keys of the operation's root fields (where a root fetch's path-less errors go). */
  rootKeys: readonly string[];
}

const prepared = new WeakMap<FetchNode | BatchFetchNode, PreparedFetch>();

export function prepareFetch(node: FetchNode | BatchFetchNode): PreparedFetch {
  let fetch = prepared.get(node);
  if (fetch === undefined) {
    const document = parse(node.operation, { noLocation: true });
    rememberPrinted(document, node.operation);
    fetch = {
      serviceName: node.serviceName,
      document,
      operationType: operationType(node.operationKind),
      operationName: node.operationName ?? undefined,
      variableUsages: node.variableUsages ?? [],
      rootKeys: rootKeysOf(document),
    };
    prepared.set(node, fetch);
  }
  return fetch;
}

function operationType(kind: FetchNode['operationKind']): OperationTypeNode {
  if (kind === 'mutation') return OperationTypeNode.MUTATION;
  if (kind === 'subscription') return OperationTypeNode.SUBSCRIPTION;
  return OperationTypeNode.QUERY;
}

function rootKeysOf(document: DocumentNode): string[] {
  const keys: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind === Kind.FIELD) keys.push(selection.alias?.value ?? selection.name.value);
    }
  }
  return keys;
}

/**
 * Sends `fetch` with the operation's own variables (those it uses, of the client's) plus
 * `extra` (representations). A rejected call becomes an error result.
 */
export async function send(
  state: RunState,
  fetch: PreparedFetch,
  extra?: Record<string, unknown>,
): Promise<ExecutionResult> {
  const variables: Record<string, unknown> = extra ?? {};
  for (const name of fetch.variableUsages) {
    if (Object.hasOwn(state.variables, name)) variables[name] = state.variables[name];
  }
  const request: ExecutionRequest = {
    document: fetch.document,
    variables,
    operationType: fetch.operationType,
    operationName: fetch.operationName,
    context: state.context,
    subgraphName: fetch.serviceName,
  };
  try {
    return await state.fetch(fetch.serviceName, request);
  } catch (cause) {
    return { errors: [fetchFailed(fetch.serviceName, cause)] };
  }
}
