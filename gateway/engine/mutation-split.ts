/**
 * Mutations, one root field at a time (stage: plan). The planner sends consecutive mutation
 * fields of one subgraph in one fetch and fetches their entities from other subgraphs after all
 * of them ran, so `mutation { x: incr { value } y: incr { value } }` would read `value` after both
 * increments. The spec runs root fields of a mutation serially, each completed (its entities
 * included) before the next starts: when the whole plan fetches anything after the mutation
 * itself, each root field is planned alone and the plans run in order.
 */
import type { PlanNode, QueryPlan } from '@graphql-hive/router-query-planner';
import { type DocumentNode, Kind, type OperationDefinitionNode, print } from 'graphql';

type Plan = (text: string) => QueryPlan;

/**
 * The plan of `operation`: the planner's, or for a mutation whose root fields need entity
 * fetches after they ran, a sequence of one plan per root field.
 */
export function planOperation(
  planned: DocumentNode,
  operation: OperationDefinitionNode,
  plan: Plan,
): QueryPlan {
  const whole = plan(print(planned));
  if (operation.operation !== 'mutation' || isSingleFetch(whole.node)) return whole;
  const parts = rootFieldDocuments(planned, operation);
  if (parts === undefined) return whole;
  const nodes: PlanNode[] = [];
  for (const part of parts) {
    const node = plan(print(part)).node;
    if (node !== undefined && node !== null) nodes.push(node);
  }
  return { ...whole, node: { kind: 'Sequence', nodes } as PlanNode };
}

function isSingleFetch(node: PlanNode | null | undefined): boolean {
  return node === undefined || node === null || node.kind === 'Fetch';
}

/**
 * One document per root field of `operation`, each with every fragment and variable of the
 * original; undefined when the root is not plain fields with distinct response keys (fragments
 * at the root, or one key twice, which the spec merges into one field).
 */
function rootFieldDocuments(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): DocumentNode[] | undefined {
  const selections = operation.selectionSet.selections;
  if (selections.length < 2) return undefined;
  const keys = new Set<string>();
  for (const selection of selections) {
    if (selection.kind !== Kind.FIELD) return undefined;
    const key = selection.alias?.value ?? selection.name.value;
    if (keys.has(key)) return undefined;
    keys.add(key);
  }
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  return selections.map((selection) => ({
    kind: Kind.DOCUMENT,
    definitions: [
      { ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections: [selection] } },
      ...fragments,
    ],
  }));
}
