/**
 * The fields an entity fetch asks of each entity, by type condition: where an error that concerns
 * a whole entity goes. A failed fetch, an error at `_entities[i]` itself, or an entity the
 * subgraph could not resolve, leaves exactly those fields unanswered, so the error is reported at
 * each of them (`["products", 0, "rating"]`), where the client sees the nulls it explains, not at
 * the entity, whose other fields other subgraphs answered.
 */
import { type DocumentNode, type FragmentDefinitionNode, Kind, type SelectionSetNode } from 'graphql';
import type { ResponsePath } from './collect.ts';
import type { TypeOracle } from './types.ts';

/** Response keys asked of an entity, under a type condition (undefined: of every entity). */
export interface AskedGroup {
  condition: string | undefined;
  keys: readonly string[];
}

const asked = new WeakMap<DocumentNode, Map<string, readonly AskedGroup[]>>();

/** The groups of the `_entities` field at `responseKey` in `document` (computed once). */
export function askedFields(document: DocumentNode, responseKey: string): readonly AskedGroup[] {
  let byKey = asked.get(document);
  if (byKey === undefined) {
    byKey = new Map();
    asked.set(document, byKey);
  }
  let groups = byKey.get(responseKey);
  if (groups === undefined) {
    groups = groupsOf(document, responseKey);
    byKey.set(responseKey, groups);
  }
  return groups;
}

/** The client paths of the fields asked of the entity at `path`; the entity itself when none. */
export function entityFieldPaths(
  groups: readonly AskedGroup[],
  path: ResponsePath,
  typename: unknown,
  types: TypeOracle,
): ResponsePath[] {
  const paths: ResponsePath[] = [];
  const seen = new Set<string>();
  for (const group of groups) {
    if (group.condition !== undefined && !types.satisfies(typename, group.condition)) continue;
    for (const key of group.keys) {
      if (seen.has(key)) continue;
      seen.add(key);
      paths.push([...path, key]);
    }
  }
  return paths.length > 0 ? paths : [path];
}

function groupsOf(document: DocumentNode, responseKey: string): AskedGroup[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let root: SelectionSetNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) root = definition.selectionSet;
  }
  const field = root?.selections.find(
    (s) => s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === responseKey,
  );
  if (field?.kind !== Kind.FIELD || field.selectionSet === undefined) return [];
  const groups: AskedGroup[] = [];
  collect(field.selectionSet, undefined, fragments, groups, new Set());
  return groups;
}

function collect(
  selectionSet: SelectionSetNode,
  condition: string | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  groups: AskedGroup[],
  visited: Set<string>,
): void {
  const keys: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      // `__typename` and the planner's internal aliases are not the client's fields.
      if (key !== '__typename' && !key.startsWith('_internal_qp_alias_')) keys.push(key);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(
        selection.selectionSet,
        selection.typeCondition?.name.value ?? condition,
        fragments,
        groups,
        visited,
      );
    } else if (!visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment)
        collect(fragment.selectionSet, fragment.typeCondition.name.value, fragments, groups, visited);
    }
  }
  if (keys.length > 0) groups.push({ condition, keys });
}
