/**
 * Which fetches of a plan the initial payload waits for (stage: plan). The planner ignores
 * `@defer`: it plans the whole operation. A fetch that brings only fields of deferred fragments
 * (an entity fetch of the slow subgraph, typically) does not hold the initial payload back; any
 * other does, with everything it depends on (the plan orders those before it).
 *
 * A fetch's fields are the top-level fields of its selection at its merge path: a root fetch's
 * root fields; an entity fetch's fields inside `_entities { ... on T { } }` at each of its paths.
 */
import type { FlattenNodePathSegment, PlanNode } from '@graphql-hive/router-query-planner';
import { Kind, parse, type SelectionSetNode } from 'graphql';
import type { DeferShape } from './shape.ts';

/** A fetch node the executor reports as done (`Fetch` at the root, `Flatten`, `BatchFetch`). */
export type FetchNodeOf = Extract<PlanNode, { kind: 'Fetch' | 'Flatten' | 'BatchFetch' }>;

interface FetchFields {
  /** Per merge path (as response keys), the response keys the fetch brings there. */
  at: ReadonlyArray<{ path: readonly string[]; keys: readonly string[] }>;
}

const fieldsOf = new WeakMap<FetchNodeOf, FetchFields>();

/**
 * The fetch nodes this execution will run (`Condition`s settled on `variables`) whose fields the
 * initial payload holds.
 */
export function primaryFetches(
  node: PlanNode | undefined,
  shape: DeferShape,
  variables: Record<string, unknown>,
): Set<PlanNode> {
  const out = new Set<PlanNode>();
  const visit = (current: PlanNode | undefined): void => {
    if (current === undefined) return;
    switch (current.kind) {
      case 'Fetch':
      case 'Flatten':
      case 'BatchFetch':
        if (needed(current, shape)) out.add(current);
        return;
      case 'Sequence':
      case 'Parallel':
        for (const child of current.nodes) visit(child);
        return;
      case 'Condition':
        visit(variables[current.condition] === true ? current.ifClause : current.elseClause);
        return;
      case 'Defer':
        visit(current.primary.node);
        for (const part of current.deferred) visit(part.node);
        return;
      default:
        return;
    }
  };
  visit(node);
  return out;
}

function needed(node: FetchNodeOf, shape: DeferShape): boolean {
  let fields = fieldsOf.get(node);
  if (fields === undefined) {
    fields = readFields(node);
    fieldsOf.set(node, fields);
  }
  // A fetch whose fields could not be read is waited for: late is better than missing.
  if (fields.at.length === 0) return true;
  for (const { path, keys } of fields.at) {
    if (keys.length === 0) return true;
    for (const key of keys) if (shape.isPrimary([...path, key])) return true;
  }
  return false;
}

function readFields(node: FetchNodeOf): FetchFields {
  try {
    if (node.kind === 'Fetch') return { at: [{ path: [], keys: topKeys(selectionOf(node.operation)) }] };
    if (node.kind === 'Flatten') {
      if (node.node.kind !== 'Fetch') return { at: [] };
      const entities = fieldSelection(selectionOf(node.node.operation), '_entities');
      return { at: [{ path: keysOf(node.path), keys: topKeys(entities) }] };
    }
    const selection = selectionOf(node.operation);
    return {
      at: node.entityBatch.aliases.flatMap((alias) => {
        const keys = topKeys(fieldSelection(selection, alias.alias));
        return alias.paths.map((path) => ({ path: keysOf(path), keys }));
      }),
    };
  } catch {
    return { at: [] };
  }
}

function selectionOf(operation: string): SelectionSetNode {
  const document = parse(operation, { noLocation: true });
  const definition = document.definitions[0];
  if (definition?.kind !== Kind.OPERATION_DEFINITION) throw new Error('no operation');
  return definition.selectionSet;
}

/** The selection set of the root field with this response key. */
function fieldSelection(selectionSet: SelectionSetNode, responseKey: string): SelectionSetNode | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    if ((selection.alias?.value ?? selection.name.value) === responseKey) return selection.selectionSet;
  }
  return undefined;
}

/** Response keys of the fields of `selectionSet`, through inline fragments; `__typename` aside. */
function topKeys(selectionSet: SelectionSetNode | undefined): string[] {
  const keys: string[] = [];
  const add = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) add(selection.selectionSet);
      else if (selection.kind === Kind.FIELD && selection.name.value !== '__typename')
        keys.push(selection.alias?.value ?? selection.name.value);
    }
  };
  if (selectionSet) add(selectionSet);
  return keys;
}

function keysOf(path: readonly FlattenNodePathSegment[]): string[] {
  const keys: string[] = [];
  for (const segment of path) if (segment !== '@' && 'Field' in segment) keys.push(segment.Field);
  return keys;
}
