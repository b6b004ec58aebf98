/**
 * Introspection is answered from the public schema by graphql-js, not planned: the planner knows
 * no `__schema` or `__type`. An operation is split at its root: the introspection fields go to
 * graphql-js, the rest to the planner, and both answers meet in the tree before projection.
 */
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export type OperationRoute =
  /** Only `__schema`, `__type` and `__typename` at the root: graphql-js answers all of it. */
  | { kind: 'introspection' }
  /** Introspection inside a fragment spread at the root: run by the stitching engine as a whole. */
  | { kind: 'stitching' }
  /** Planned; `introspection`, when there are root introspection fields, is answered beside. */
  | { kind: 'plan'; planned: DocumentNode; introspection?: DocumentNode };

const INTROSPECTION = new Set(['__schema', '__type']);

/** Decides how `operation` (in `document`) runs, and splits it when it mixes both. */
export function routeOperation(document: DocumentNode, operation: OperationDefinitionNode): OperationRoute {
  if (operation.operation !== 'query') return { kind: 'plan', planned: document };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let introspection = 0;
  let other = 0;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (INTROSPECTION.has(name)) introspection++;
      else if (name === '__typename') continue;
      else other++;
    } else if (
      holdsIntrospection(
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.selectionSet
          : fragments.get(selection.name.value)?.selectionSet,
        fragments,
        new Set(),
      )
    ) {
      return { kind: 'stitching' };
    } else {
      other++;
    }
  }
  if (other === 0) return { kind: 'introspection' };
  if (introspection === 0) return { kind: 'plan', planned: document };
  return {
    kind: 'plan',
    planned: withRootSelections(document, operation, 'planned'),
    introspection: withRootSelections(document, operation, 'introspection'),
  };
}

/** Whether a root-level fragment selects `__schema` or `__type` (directly or through more fragments). */
function holdsIntrospection(
  selectionSet: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: Set<string>,
): boolean {
  if (selectionSet === undefined) return false;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (INTROSPECTION.has(selection.name.value)) return true;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (holdsIntrospection(selection.selectionSet, fragments, seen)) return true;
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      if (holdsIntrospection(fragments.get(selection.name.value)?.selectionSet, fragments, seen)) return true;
    }
  }
  return false;
}

/**
 * `document` with `operation`'s root selections cut to one part: the `introspection` fields, or
 * the rest (`planned`, which keeps root fragments). Fragments stay: unused ones are never read.
 */
function withRootSelections(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  part: 'planned' | 'introspection',
): DocumentNode {
  const selections = operation.selectionSet.selections.filter((s) =>
    s.kind === Kind.FIELD
      ? INTROSPECTION.has(s.name.value) === (part === 'introspection')
      : part === 'planned',
  );
  const rewritten: OperationDefinitionNode = {
    ...operation,
    selectionSet: { ...operation.selectionSet, selections },
  };
  return { ...document, definitions: document.definitions.map((d) => (d === operation ? rewritten : d)) };
}
