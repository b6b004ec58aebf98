/**
 * Which deliveries each fetch of a plan feeds (stage: plan). The planner ignores `@defer`: it
 * plans the whole operation. A delivery (the initial payload, a deferred fragment) goes once
 * every fetch that brings one of its fields has merged; a fetch that brings only fields of a
 * deferred fragment (an entity fetch of the slow subgraph, typically) holds back that fragment
 * only. What a fetch depends on, the plan runs before it.
 *
 * A fetch's fields are the top-level fields of its selection at its merge path: a root fetch's
 * root fields; an entity fetch's fields inside `_entities { ... on T { } }` at each of its paths
 * (named fragments of the subgraph operation expanded).
 */
import type { FlattenNodePathSegment, PlanNode } from '@graphql-hive/router-query-planner';
import { type FragmentDefinitionNode, Kind, parse, type SelectionSetNode } from 'graphql';
import { type DeferShape, PRIMARY } from './shape.ts';

type FetchNode = Extract<PlanNode, { kind: 'Fetch' | 'Flatten' | 'BatchFetch' }>;

interface FetchFields {
  /** Per merge path (as response keys), the response keys the fetch brings there. */
  at: ReadonlyArray<{ path: readonly string[]; keys: readonly string[] }>;
}

const fieldsOf = new WeakMap<FetchNode, FetchFields>();

/**
 * The fetch nodes this execution will run (`Condition`s settled on `variables`), each with the
 * deliveries it feeds (`PRIMARY`, fragment indexes).
 */
export function fetchGroups(
  node: PlanNode | null | undefined,
  shape: DeferShape,
  variables: Record<string, unknown>,
): Map<PlanNode, ReadonlySet<number>> {
  const out = new Map<PlanNode, ReadonlySet<number>>();
  const visit = (current: PlanNode | null | undefined): void => {
    if (current === undefined || current === null) return;
    switch (current.kind) {
      case 'Fetch':
      case 'Flatten':
      case 'BatchFetch':
        out.set(current, groupsFed(current, shape));
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

function groupsFed(node: FetchNode, shape: DeferShape): ReadonlySet<number> {
  let fields = fieldsOf.get(node);
  if (fields === undefined) {
    fields = readFields(node);
    fieldsOf.set(node, fields);
  }
  const every = () => new Set([PRIMARY, ...shape.fragments.keys()]);
  // A fetch whose fields could not be read holds every delivery back: late is better than wrong.
  if (fields.at.length === 0) return every();
  const groups = new Set<number>();
  for (const { path, keys } of fields.at) {
    if (keys.length === 0) return every();
    for (const key of keys) {
      const fed = shape.groupsAt([...path, key]);
      // A key the client did not select (one the planner needs): the initial payload waits.
      if (fed === undefined) groups.add(PRIMARY);
      else for (const group of fed) groups.add(group);
    }
  }
  return groups;
}

function readFields(node: FetchNode): FetchFields {
  try {
    if (node.kind === 'Fetch') {
      const operation = readOperation(node.operation);
      return { at: [{ path: [], keys: topKeys(operation.selectionSet, operation.fragments) }] };
    }
    if (node.kind === 'Flatten') {
      if (node.node.kind !== 'Fetch') return { at: [] };
      const operation = readOperation(node.node.operation);
      const entities = fieldSelection(operation.selectionSet, '_entities');
      return { at: [{ path: keysOf(node.path), keys: topKeys(entities, operation.fragments) }] };
    }
    const operation = readOperation(node.operation);
    return {
      at: node.entityBatch.aliases.flatMap((alias) => {
        const keys = topKeys(fieldSelection(operation.selectionSet, alias.alias), operation.fragments);
        return alias.paths.map((path) => ({ path: keysOf(path), keys }));
      }),
    };
  } catch {
    return { at: [] };
  }
}

interface ReadOperation {
  selectionSet: SelectionSetNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

function readOperation(text: string): ReadOperation {
  const document = parse(text, { noLocation: true });
  let selectionSet: SelectionSetNode | undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) selectionSet ??= definition.selectionSet;
    else if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  if (selectionSet === undefined) throw new Error('no operation');
  return { selectionSet, fragments };
}

/** The selection set of the root field with this response key. */
function fieldSelection(selectionSet: SelectionSetNode, responseKey: string): SelectionSetNode | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    if ((selection.alias?.value ?? selection.name.value) === responseKey) return selection.selectionSet;
  }
  return undefined;
}

/** Response keys of the fields of `selectionSet`, through inline and named fragments; `__typename` aside. */
function topKeys(
  selectionSet: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  const add = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) add(selection.selectionSet);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment === undefined) throw new Error(`unknown fragment ${selection.name.value}`);
        if (seen.has(fragment.name.value)) continue;
        seen.add(fragment.name.value);
        add(fragment.selectionSet);
      } else if (selection.name.value !== '__typename')
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
