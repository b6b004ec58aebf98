/**
 * The client's answer once the rewritten operation has run: each field taken out is `null` with
 * one error at its path wherever the client would have seen it (each list item its own), unless
 * `@include`/`@skip` left it out; a non-null one makes its parent null as execution would (up to
 * the nearest nullable field, or `data`). The reserved `__typename` the rewrite added is removed.
 *
 * With `@defer`, each field is answered in the payload that carries the fragment it sits in: the
 * initial payload answers the fields outside deferred fragments, each incremental entry those of
 * its fragment (`deferredEntries`), its errors in the entry, a non-null one nulling the entry.
 */
import {
  type DirectiveNode,
  type GraphQLError,
  GraphQLIncludeDirective,
  type GraphQLOutputType,
  GraphQLSkipDirective,
  getDirectiveValues,
  isListType,
  isNonNullType,
  Kind,
} from 'graphql';
import { gatewayError } from '../../core/errors.ts';
import type { FieldRefusal } from '../../core/field-gate.ts';
import { type Deferral, type PathNode, type Removal, TYPENAME_KEY } from './rewrite.ts';

type Path = ReadonlyArray<string | number>;
type Json = Record<string, unknown>;

/** Whether every `@include`/`@skip` on the field's way lets it through, with these variables. */
export function included(removal: Removal, variables: Record<string, unknown>): boolean {
  return holds(removal.conditions, variables);
}

/** Whether every `@include`/`@skip` of these directive lists lets a field through. */
export function holds(
  conditions: Removal['conditions'],
  variables: Readonly<Record<string, unknown>>,
): boolean {
  return conditions.every((directives) => {
    const node = { directives } as { directives: readonly DirectiveNode[] };
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  });
}

/** Why the gates refused each coordinate (`Type.field`) they refused, for one request. */
export type Refusals = ReadonlyMap<string, FieldRefusal>;

/**
 * The error of a removed field at `path`. A gate's refusal (RATE_LIMITED) says why, for the
 * object's type: `typename` where the objects at this path may be of several types, else the
 * one type that lost it.
 */
export function deniedError(
  removal: Removal,
  path: Path,
  refusals: Refusals,
  typename?: unknown,
): GraphQLError {
  const options = { path, nodes: [removal.field] };
  if (removal.code === 'UNAUTHENTICATED')
    return gatewayError(removal.code, 'this field needs an authenticated caller', options);
  if (removal.code === 'FORBIDDEN')
    return gatewayError(removal.code, 'the caller may not see this field', options);
  const type =
    typeof typename === 'string' && removal.owners.has(typename) ? typename : first(removal.owners);
  const refusal = refusals.get(`${type}.${removal.field.name.value}`);
  return gatewayError(removal.code, refusal?.message ?? 'a rate limit on this field is exceeded', {
    ...options,
    extensions: refusal?.extensions,
  });
}

function first(names: ReadonlySet<string>): string | undefined {
  for (const name of names) return name;
  return undefined;
}

/** Whether a removal at the object at `path` is answered in the payload being patched. */
export type Applies = (removal: Removal, path: Path) => boolean;

/**
 * Patches `data` (the object at `base`, whose removals `root` holds) in place; returns the errors
 * to add and whether `data` itself becomes null.
 */
export function patchData(
  data: Json,
  root: PathNode,
  variables: Record<string, unknown>,
  refusals: Refusals,
  applies: Applies = () => true,
  base: Path = [],
): { errors: GraphQLError[]; nullData: boolean } {
  const errors: GraphQLError[] = [];
  const object = (value: Json, node: PathNode, path: Path): boolean => {
    const typename = value[TYPENAME_KEY];
    delete value[TYPENAME_KEY];
    let nullMe = false;
    let added = false;
    // A key selected in several places (fragments) is one path: one error.
    const answered = new Set<string>();
    for (const removal of node.removals) {
      if (removal.types !== undefined && !removal.types.has(typename as string)) continue;
      if (answered.has(removal.key) || !included(removal, variables)) continue;
      if (!applies(removal, path)) continue;
      answered.add(removal.key);
      added ||= !Object.hasOwn(value, removal.key);
      value[removal.key] = null;
      errors.push(deniedError(removal, [...path, removal.key], refusals, typename));
      if (removal.nonNull) nullMe = true;
    }
    for (const [key, child] of node.children) {
      const inner = value[key];
      if (inner === null || inner === undefined) continue;
      if (walk(inner, child.type, child.node, [...path, key])) {
        value[key] = null;
        if (isNonNullType(child.type)) nullMe = true;
      }
    }
    // A key the engine never had goes where the client selected it (an object nulled needs not).
    if (added && !nullMe) reorder(value, node, typename, variables);
    return nullMe;
  };
  /** True when `value` (of `type`) must become null. */
  const walk = (value: unknown, type: GraphQLOutputType, node: PathNode, path: Path): boolean => {
    const nullable = isNonNullType(type) ? type.ofType : type;
    if (isListType(nullable)) {
      if (!Array.isArray(value)) return false;
      const item = nullable.ofType as GraphQLOutputType;
      // Every item is walked (each path gets its error) before a non-null item nulls the list.
      let nullList = false;
      for (let i = 0; i < value.length; i++) {
        if (value[i] === null || value[i] === undefined) continue;
        if (walk(value[i], item, node, [...path, i])) {
          value[i] = null;
          if (isNonNullType(item)) nullList = true;
        }
      }
      return nullList;
    }
    return typeof value === 'object' && value !== null && object(value as Json, node, path);
  };
  const nullData = object(data, root, base);
  return { errors, nullData };
}

/**
 * Rebuilds `value`'s keys in the order the client selected them (for its type, with these
 * variables): first selection wins; keys not selected there keep their relative place at the end.
 */
function reorder(value: Json, node: PathNode, typename: unknown, variables: Record<string, unknown>): void {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const { key, types, conditions } of node.order) {
    if (seen.has(key) || !Object.hasOwn(value, key)) continue;
    // Without a type to tell (a path whose objects are not all abstract), every selection counts.
    if (types !== undefined && typeof typename === 'string' && !types.has(typename)) continue;
    if (!holds(conditions, variables)) continue;
    seen.add(key);
    keys.push(key);
  }
  for (const key of Object.keys(value)) if (!seen.has(key)) keys.push(key);
  const entries = keys.map((key) => [key, value[key]] as const);
  for (const key of keys) delete value[key];
  for (const [key, inner] of entries) value[key] = inner;
}

/** The deferred fragment whose payload answers `removal`: the innermost one deferred. */
export function deferralOf(removal: Removal, variables: Record<string, unknown>): Deferral | undefined {
  for (let i = removal.deferrals.length - 1; i >= 0; i--) {
    const deferral = removal.deferrals[i]!;
    const condition = deferral.directive.arguments?.find((a) => a.name.value === 'if')?.value;
    const deferred =
      condition === undefined ||
      (condition.kind === Kind.BOOLEAN
        ? condition.value
        : condition.kind !== Kind.VARIABLE || variables[condition.name.value] !== false);
    if (deferred) return deferral;
  }
  return undefined;
}

interface Entry {
  data?: Json | null;
  path?: Path;
  label?: string;
  errors?: readonly GraphQLError[];
}

/**
 * Patches the entries of one incremental payload in place: each entry answers the removed fields
 * of its fragment (the fragment deferred at its path, with its label when both have one) below
 * its path; `applies` keeps each path answered once across the payloads of a response.
 */
export function deferredEntries(
  entries: readonly Entry[],
  root: PathNode,
  variables: Record<string, unknown>,
  refusals: Refusals,
  once: (path: Path, removal: Removal) => boolean,
): boolean {
  let changed = false;
  for (const entry of entries) {
    if (entry.data === null || typeof entry.data !== 'object' || !Array.isArray(entry.path)) continue;
    const keys = entry.path.filter((step): step is string => typeof step === 'string');
    let node: PathNode | undefined = root;
    for (const key of keys) node = node?.children.get(key)?.node;
    if (node === undefined) continue;
    const applies: Applies = (removal, path) => {
      const deferral = deferralOf(removal, variables);
      if (deferral === undefined || deferral.path.length !== keys.length) return false;
      if (deferral.path.some((key, i) => key !== keys[i])) return false;
      if (entry.label !== undefined && deferral.label !== undefined && entry.label !== deferral.label)
        return false;
      return once(path, removal);
    };
    const { errors, nullData } = patchData(entry.data, node, variables, refusals, applies, entry.path);
    if (errors.length === 0) continue;
    changed = true;
    entry.errors = [...(entry.errors ?? []), ...errors];
    if (nullData) entry.data = null;
  }
  return changed;
}
