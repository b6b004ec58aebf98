/**
 * Mutations, one root field at a time (stage: plan). The planner sends consecutive mutation
 * fields of one subgraph in one fetch and fetches their entities from other subgraphs after all
 * of them ran, so `mutation { x: incr { value } y: incr { value } }` would read `value` after both
 * increments. The spec runs root fields of a mutation serially, each completed (its entities
 * included) before the next starts: when the whole plan fetches anything after the mutation
 * itself, each root field is planned alone and the plans run in order.
 */
import type { PlanNode, QueryPlan } from '@graphql-hive/router-query-planner';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type InlineFragmentNode,
  Kind,
  type OperationDefinitionNode,
  print,
  type SelectionNode,
} from 'graphql';

type Plan = (text: string) => Promise<QueryPlan>;

/**
 * The plan of `operation`: the planner's, or for a mutation whose root fields need entity
 * fetches after they ran, a sequence of one plan per root field.
 */
export async function planOperation(
  planned: DocumentNode,
  operation: OperationDefinitionNode,
  plan: Plan,
): Promise<QueryPlan> {
  const whole = await plan(print(planned));
  if (operation.operation !== 'mutation' || isSingleFetch(whole.node)) return whole;
  const parts = rootFieldDocuments(planned, operation);
  if (parts === undefined) return whole;
  const nodes: PlanNode[] = [];
  for (const planned of await Promise.all(parts.map((part) => plan(print(part))))) {
    if (planned.node !== undefined && planned.node !== null) nodes.push(planned.node);
  }
  return { ...whole, node: { kind: 'Sequence', nodes } as PlanNode };
}

function isSingleFetch(node: PlanNode | null | undefined): boolean {
  return node === undefined || node === null || node.kind === 'Fetch';
}

/**
 * One document per root response key of `operation` (the spec's CollectFields at the root:
 * fragment spreads and inline fragments flattened, each field kept inside inline fragments that
 * carry the `@skip`/`@include` of the fragments it came through; fields of one response key
 * together, as the spec merges them), each with every fragment and variable of the original.
 * Undefined when there is only one key.
 */
function rootFieldDocuments(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): DocumentNode[] | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const groups = new Map<string, SelectionNode[]>();
  collectRoot(operation.selectionSet.selections, fragments, (field) => field, groups, new Set());
  if (groups.size < 2) return undefined;
  const definitions = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  return [...groups.values()].map((selections) => ({
    kind: Kind.DOCUMENT,
    definitions: [{ ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections } }, ...definitions],
  }));
}

type Wrap = (selection: SelectionNode) => SelectionNode;

function collectRoot(
  selections: readonly SelectionNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  wrap: Wrap,
  groups: Map<string, SelectionNode[]>,
  visited: Set<string>,
): void {
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const group = groups.get(key);
      if (group) group.push(wrap(selection));
      else groups.set(key, [wrap(selection)]);
      continue;
    }
    let inner: readonly SelectionNode[] | undefined;
    if (selection.kind === Kind.INLINE_FRAGMENT) inner = selection.selectionSet.selections;
    else if (!visited.has(selection.name.value)) {
      inner = fragments.get(selection.name.value)?.selectionSet.selections;
      visited = new Set(visited).add(selection.name.value);
    }
    if (inner === undefined) continue;
    const directives = selection.directives ?? [];
    const within: Wrap =
      directives.length === 0
        ? wrap
        : (node) =>
            wrap({
              kind: Kind.INLINE_FRAGMENT,
              directives,
              selectionSet: { kind: Kind.SELECTION_SET, selections: [node] },
            } as InlineFragmentNode);
    collectRoot(inner, fragments, within, groups, visited);
  }
}
