/**
 * What `@defer` asks of one operation (stage: plan): which fragments are deferred in this
 * request (`if:` settled on its variables, `@skip`/`@include` applied), the operation without
 * them (the initial payload's), and, for every response path the client selected, which
 * deliveries it belongs to: the initial payload (`PRIMARY`) and/or deferred fragments.
 *
 * Paths are compared by response key: type conditions are not followed, so a key selected on
 * one type in the initial payload and on another in a deferred fragment belongs to both (the
 * initial payload then waits a little longer; an error there goes to the initial payload).
 */
import {
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';
import { isIncluded } from '../project/conditions.ts';

/** The group of the initial payload; deferred fragments are groups 0, 1, ... (their index). */
export const PRIMARY = -1;

/** One active deferred fragment of the operation. */
export interface DeferredFragment {
  label: string | undefined;
  /** Response keys from the root to the object the fragment applies to (no list indexes). */
  path: readonly string[];
  /** The type of the position at `path` (the static type its conditions refine). */
  parentType: string;
  /** Type conditions the object must satisfy: enclosing fragments' at this level, then its own. */
  conditions: readonly string[];
  /** Response keys the fragment selects, itself or through fragments it does not defer. */
  keys: readonly string[];
  /** The deferred fragment it sits in (its index), if any: it is delivered after that one. */
  parent: number | undefined;
  /** Its selection set, without the fragments deferred inside it (they have their own entries). */
  selection: SelectionSetNode;
}

interface KeyNode {
  /** The deliveries that select this key here: `PRIMARY` and/or fragment indexes. */
  groups: Set<number>;
  children: Map<string, KeyNode>;
}

export interface DeferShape {
  /** The operation's document with every active deferred fragment removed. */
  primaryDocument: DocumentNode;
  fragments: readonly DeferredFragment[];
  /**
   * The deliveries that select the field at `path` (list indexes skipped); undefined for a key
   * the client did not select (an internal one of the planner).
   */
  groupsAt(path: ReadonlyArray<string | number>): ReadonlySet<number> | undefined;
  /** Whether the field at `path` belongs to the initial payload (an unknown key does). */
  isPrimary(path: ReadonlyArray<string | number>): boolean;
}

/** Whether `document` uses `@defer` anywhere (cheap: a walk of the AST, no schema). */
export function usesDefer(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'defer') found = true;
    },
  });
  return found;
}

/** The variables that decide `@defer(if:)` in `document`. */
export function deferVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Directive(node) {
      if (node.name.value !== 'defer') return;
      for (const arg of node.arguments ?? [])
        if (arg.name.value === 'if' && arg.value.kind === Kind.VARIABLE) names.add(arg.value.name.value);
    },
  });
  return [...names];
}

/** The shape of `operation` for these variables; undefined when nothing is deferred. */
export function deferShape(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): DeferShape | undefined {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const root: KeyNode = { groups: new Set([PRIMARY]), children: new Map() };
  const found: DeferredFragment[] = [];
  const walk = (
    selectionSet: SelectionSetNode,
    type: GraphQLCompositeType,
    at: KeyNode,
    path: readonly string[],
    group: number,
    conditions: readonly string[],
    keys: string[] | undefined,
  ): void => {
    for (const selection of selectionSet.selections) {
      if (!isIncluded(selection.directives, variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        keys?.push(key);
        let node = at.children.get(key);
        if (node === undefined) {
          node = { groups: new Set(), children: new Map() };
          at.children.set(key, node);
        }
        node.groups.add(group);
        if (selection.selectionSet === undefined) continue;
        const fieldType = 'getFields' in type ? type.getFields()[selection.name.value]?.type : undefined;
        const named = fieldType ? getNamedType(fieldType) : undefined;
        if (named && isCompositeType(named))
          walk(selection.selectionSet, named, node, [...path, key], group, [], undefined);
        continue;
      }
      const definition =
        selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (definition === undefined) continue;
      const condition = definition.typeCondition?.name.value;
      const refined = condition ? schema.getType(condition) : type;
      if (!refined || !isCompositeType(refined)) continue;
      const inner = condition ? [...conditions, condition] : conditions;
      if (!isDeferred(selection.directives, variables)) {
        walk(definition.selectionSet, refined, at, path, group, inner, keys);
        continue;
      }
      const own: string[] = [];
      const index = found.length;
      found.push({
        label: labelOf(selection.directives),
        path,
        parentType: type.name,
        conditions: inner,
        keys: own,
        parent: group === PRIMARY ? undefined : group,
        selection: withoutDeferred(definition.selectionSet, variables),
      });
      walk(definition.selectionSet, refined, at, path, index, inner, own);
    }
  };
  walk(operation.selectionSet, rootType, root, [], PRIMARY, [], undefined);
  if (found.length === 0) return undefined;
  const groupsAt = (path: ReadonlyArray<string | number>): ReadonlySet<number> | undefined => {
    let node = root;
    for (const step of path) {
      if (typeof step === 'number') continue;
      const next = node.children.get(step);
      if (next === undefined) return undefined;
      node = next;
    }
    return node.groups;
  };
  return {
    primaryDocument: withoutDeferred(document, variables),
    fragments: found.map((f) => ({ ...f, keys: [...new Set(f.keys)] })),
    groupsAt,
    isPrimary(path) {
      // Every field on the way must be one the initial payload selects.
      let node = root;
      for (const step of path) {
        if (typeof step === 'number') continue;
        const next = node.children.get(step);
        if (next === undefined) return true;
        if (!next.groups.has(PRIMARY)) return false;
        node = next;
      }
      return true;
    },
  };
}

/** Whether a fragment with these directives is deferred in this request. */
export function isDeferred(
  directives: readonly DirectiveNode[] | undefined,
  variables: Record<string, unknown>,
): boolean {
  const defer = directives?.find((d) => d.name.value === 'defer');
  if (defer === undefined) return false;
  const arg = defer.arguments?.find((a) => a.name.value === 'if');
  if (arg === undefined) return true;
  if (arg.value.kind === Kind.VARIABLE) return variables[arg.value.name.value] !== false;
  return !(arg.value.kind === Kind.BOOLEAN && !arg.value.value);
}

function labelOf(directives: readonly DirectiveNode[] | undefined): string | undefined {
  const arg = directives
    ?.find((d) => d.name.value === 'defer')
    ?.arguments?.find((a) => a.name.value === 'label');
  return arg?.value.kind === Kind.STRING ? arg.value.value : undefined;
}

/** `node` without the fragments deferred in this request (a spread or inline fragment). */
function withoutDeferred<T extends DocumentNode | SelectionSetNode>(
  node: T,
  variables: Record<string, unknown>,
): T {
  return visit(node, {
    InlineFragment(fragment) {
      return isDeferred(fragment.directives, variables) ? null : undefined;
    },
    FragmentSpread(spread) {
      return isDeferred(spread.directives, variables) ? null : undefined;
    },
  });
}
