/**
 * The tags an answer is kept under, which purges name (docs/caching.md, "Invalidation"):
 *
 * - `type:<Type>` for each object type the operation may return (the types an interface or union
 *   field may be included, whatever the answer holds: a list empty today may hold one tomorrow);
 * - `key:<Type>:<key>` for each entity (a type with `@key` in the supergraph) the answer holds
 *   with the fields of one of its keys selected: `<key>` is the value of a key of one scalar field
 *   (`key:Product:42`), else the key's fields as JSON with sorted names
 *   (`key:Product:{"sku":"a","upc":"1"}`);
 * - `nokey:<Type>` when it holds an entity of that type without all of its keys selected (or more
 *   entities than are tagged by key, `MAX_KEY_TAGS`): a purge by key cannot name it, so every
 *   purge of a key of that type purges it too (`purgeTags`);
 * - `op:<name>` for a named operation.
 *
 * A mutation's answer names what it changed: the entities its root fields return (not those
 * nested below them, which it only reads), by key, and by type those returned without a key
 * (which one changed is unknown: every answer that may hold one is purged).
 *
 * Values are read from the answer as the client asked for it: aliases are followed, and the
 * concrete type of an interface or union value is its `__typename` when selected (else the value
 * counts as each entity type it may be, by type). A nested key (`key: "owner { id }"`) is read
 * where the client selected it without aliases.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  parse,
  type SelectionSetNode,
} from 'graphql';
import { stableJson } from './response-key.ts';

/** Each entity type's keys: for each key, the selection of its fields. */
export type EntityKeys = ReadonlyMap<string, readonly SelectionSetNode[]>;

export const typeTag = (type: string) => `type:${type}`;
export const keyTag = (type: string, key: string) => `key:${type}:${key}`;
export const operationTag = (name: string) => `op:${name}`;
export const keylessTag = (type: string) => `nokey:${type}`;

/** Key tags an answer is kept under, at most: past them, its entities are tagged `nokey:`. */
export const MAX_KEY_TAGS = 256;

/** What a purge of `tags` drops: with each key of a type, the answers holding it keyless. */
export function purgeTags(tags: readonly string[]): string[] {
  const all = new Set(tags);
  for (const tag of tags) {
    if (!tag.startsWith('key:')) continue;
    const type = tag.slice(4, tag.indexOf(':', 4));
    all.add(keylessTag(type));
  }
  return [...all];
}

/** The keys of every entity type of a supergraph (`@join__type(key:)`), parsed once per schema. */
export function entityKeysOf(supergraph: DocumentNode): EntityKeys {
  const keys = new Map<string, SelectionSetNode[]>();
  const seen = new Set<string>();
  for (const definition of supergraph.definitions) {
    if (!('name' in definition) || definition.name === undefined || !('directives' in definition)) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const key = directive.arguments?.find((a) => a.name.value === 'key')?.value;
      if (key?.kind !== Kind.STRING) continue;
      const type = definition.name.value;
      const text = key.value.trim();
      if (seen.has(`${type}\n${text}`)) continue;
      seen.add(`${type}\n${text}`);
      const selection = parseKey(text);
      if (selection === undefined) continue;
      const list = keys.get(type) ?? [];
      list.push(selection);
      keys.set(type, list);
    }
  }
  return keys;
}

function parseKey(text: string): SelectionSetNode | undefined {
  try {
    const document = parse(`{${text}}`, { noLocation: true });
    const operation = document.definitions[0];
    return operation?.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet : undefined;
  } catch {
    return undefined; // composition checked the keys: one it cannot read tags nothing
  }
}

/** A key's value in an entity as answered, or undefined when the client did not select it all. */
export function keyValue(selection: SelectionSetNode, entity: Record<string, unknown>): string | undefined {
  const only = selection.selections.length === 1 ? selection.selections[0] : undefined;
  if (only?.kind === Kind.FIELD && only.selectionSet === undefined) {
    const value = entity[only.name.value];
    if (value === undefined || value === null || typeof value === 'object') return undefined;
    return String(value);
  }
  const projected = project(selection, entity);
  return projected === undefined ? undefined : stableJson(projected);
}

function project(selection: SelectionSetNode, value: Record<string, unknown>): unknown {
  const out: Record<string, unknown> = {};
  for (const field of selection.selections) {
    if (field.kind !== Kind.FIELD) return undefined;
    const inner = value[field.name.value];
    if (inner === undefined) return undefined;
    if (field.selectionSet === undefined || inner === null) out[field.name.value] = inner;
    else {
      if (typeof inner !== 'object' || Array.isArray(inner)) return undefined;
      const nested = project(field.selectionSet, inner as Record<string, unknown>);
      if (nested === undefined) return undefined;
      out[field.name.value] = nested;
    }
  }
  return out;
}

interface Walk {
  schema: GraphQLSchema;
  keys: EntityKeys;
  fragments: Map<string, FragmentDefinitionNode>;
  tags: Set<string>;
  /** A mutation's answer: entities without a key tag their type; kept answers tag them `nokey:`. */
  changes: boolean;
  /** How deep entities are tagged: 1 for a mutation (its root fields' values), else unbounded. */
  maxDepth: number;
  visited: number;
  keyTags: number;
}

/** Values visited before the rest of an answer is left untagged by key. */
const MAX_VISITED = 100_000;

/** The tags of a kept answer: the operation's types (`typeTags`), its entities' keys, its name. */
export function answerTags(
  schema: GraphQLSchema,
  keys: EntityKeys,
  document: DocumentNode,
  operationName: string | undefined,
  data: unknown,
  types: readonly string[],
): string[] {
  const tags = new Set(types);
  const operation = getOperationAST(document, operationName);
  if (operation?.name !== undefined) tags.add(operationTag(operation.name.value));
  const root = operation ? schema.getRootType(operation.operation) : undefined;
  if (operation && root)
    walkObject(walkOf(schema, keys, document, tags, false), root, operation.selectionSet, data, 0);
  return [...tags];
}

/** What a mutation's answer changed: the keys of the entities it holds, types of those without. */
export function changedTags(
  schema: GraphQLSchema,
  keys: EntityKeys,
  document: DocumentNode,
  operationName: string | undefined,
  data: unknown,
): string[] {
  const tags = new Set<string>();
  const operation = getOperationAST(document, operationName);
  const root = operation ? schema.getRootType(operation.operation) : undefined;
  if (operation && root)
    walkObject(walkOf(schema, keys, document, tags, true), root, operation.selectionSet, data, 0);
  return [...tags];
}

/** `type:` tags of every object type the operation may return (once per document). */
export function typeTags(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
): string[] {
  const operation = getOperationAST(document, operationName);
  const root = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !root) return [];
  const fragments = fragmentsOf(document);
  const types = new Set<string>();
  const done = new Set<SelectionSetNode>();
  const visit = (parent: GraphQLCompositeType, selectionSet: SelectionSetNode) => {
    if (done.has(selectionSet)) return; // a fragment spread many times is walked once
    done.add(selectionSet);
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.selectionSet === undefined || !('getFields' in parent)) continue;
        const field = parent.getFields()[selection.name.value];
        if (field) visitType(getNamedType(field.type), selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) visit(type, selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
        if (fragment && type && isCompositeType(type)) visit(type, fragment.selectionSet);
      }
    }
  };
  const visitType = (type: unknown, selectionSet: SelectionSetNode) => {
    if (isObjectType(type)) types.add(typeTag(type.name));
    else if (isAbstractType(type)) for (const t of schema.getPossibleTypes(type)) types.add(typeTag(t.name));
    if (isCompositeType(type)) visit(type, selectionSet);
  };
  visit(root, operation.selectionSet);
  return [...types];
}

function walkOf(
  schema: GraphQLSchema,
  keys: EntityKeys,
  document: DocumentNode,
  tags: Set<string>,
  changes: boolean,
): Walk {
  const maxDepth = changes ? 1 : Number.POSITIVE_INFINITY;
  return { schema, keys, fragments: fragmentsOf(document), tags, changes, maxDepth, visited: 0, keyTags: 0 };
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return fragments;
}

/** Walks one value of type `type` (any composite) selected with `selectionSet`, `depth` below the root. */
function walkObject(
  walk: Walk,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  value: unknown,
  depth: number,
): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) walkObject(walk, type, selectionSet, item, depth);
    return;
  }
  if (++walk.visited > MAX_VISITED) {
    // The rest is not tagged by key: what it may hold is purged with any key of its types.
    for (const possible of possibleEntities(walk, type)) walk.tags.add(keylessTag(possible));
    return;
  }
  const object = value as Record<string, unknown>;
  const fields = new Map<string, FieldNode>();
  let concrete: GraphQLCompositeType = type;
  if (isAbstractType(type)) {
    collect(walk, type, selectionSet, fields, undefined);
    const typename = [...fields].find(([, field]) => field.name.value === '__typename')?.[0];
    const named = typename === undefined ? undefined : walk.schema.getType(String(object[typename]));
    if (named !== undefined && isObjectType(named)) {
      concrete = named;
      fields.clear();
    } else {
      // Which entity it is cannot be told: it may be any of them, by any key.
      for (const possible of possibleEntities(walk, type))
        walk.tags.add(walk.changes ? typeTag(possible) : keylessTag(possible));
    }
  }
  if (fields.size === 0) collect(walk, concrete, selectionSet, fields, concrete.name);
  if (isObjectType(concrete) && depth > 0) tagEntity(walk, concrete.name, fields, object);
  if (depth >= walk.maxDepth) return;
  const definitions = 'getFields' in concrete ? concrete.getFields() : undefined;
  for (const [responseKey, field] of fields) {
    if (field.selectionSet === undefined || definitions === undefined) continue;
    const definition = definitions[field.name.value];
    const named = definition ? getNamedType(definition.type) : undefined;
    if (named && isCompositeType(named))
      walkObject(walk, named, field.selectionSet, object[responseKey], depth + 1);
  }
}

/** The entity types a value of `type` may be. */
function possibleEntities(walk: Walk, type: GraphQLCompositeType): string[] {
  const types = isAbstractType(type) ? walk.schema.getPossibleTypes(type) : isObjectType(type) ? [type] : [];
  return types.filter((t) => walk.keys.has(t.name)).map((t) => t.name);
}

/** The fields selected on a value of `type` (`concrete`: its object type's name, when known). */
function collect(
  walk: Walk,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  fields: Map<string, FieldNode>,
  concrete: string | undefined,
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const responseKey = selection.alias?.value ?? selection.name.value;
      if (!fields.has(responseKey)) fields.set(responseKey, selection);
      continue;
    }
    const fragment =
      selection.kind === Kind.FRAGMENT_SPREAD ? walk.fragments.get(selection.name.value) : undefined;
    const condition =
      selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition : fragment?.typeCondition;
    const set = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragment?.selectionSet;
    if (set === undefined || !applies(walk.schema, condition?.name.value, type, concrete)) continue;
    collect(walk, type, set, fields, concrete);
  }
}

function applies(
  schema: GraphQLSchema,
  condition: string | undefined,
  type: GraphQLCompositeType,
  concrete: string | undefined,
): boolean {
  if (condition === undefined || condition === type.name) return true;
  if (concrete === undefined) return false;
  if (condition === concrete) return true;
  const conditionType = schema.getType(condition);
  const concreteType = schema.getType(concrete);
  return (
    conditionType !== undefined &&
    isAbstractType(conditionType) &&
    concreteType !== undefined &&
    isObjectType(concreteType) &&
    schema.isSubType(conditionType, concreteType)
  );
}

function tagEntity(
  walk: Walk,
  type: string,
  fields: Map<string, FieldNode>,
  object: Record<string, unknown>,
) {
  const keys = walk.keys.get(type);
  if (keys === undefined) return;
  // The answer's values by field name (aliases followed): a key field takes no arguments.
  const byName: Record<string, unknown> = {};
  for (const [responseKey, field] of fields)
    if (!(field.name.value in byName)) byName[field.name.value] = object[responseKey];
  const values = keys.map((key) => keyValue(key, byName));
  const found = values.filter((value): value is string => value !== undefined);
  if (walk.changes) {
    for (const value of found) walk.tags.add(keyTag(type, value));
    if (found.length === 0) walk.tags.add(typeTag(type));
    return;
  }
  // A kept answer: tagged by each key it holds, and keyless unless it holds them all.
  if (found.length < keys.length || walk.keyTags + found.length > MAX_KEY_TAGS) {
    walk.tags.add(keylessTag(type));
    if (walk.keyTags + found.length > MAX_KEY_TAGS) return;
  }
  for (const value of found) {
    const tag = keyTag(type, value);
    if (walk.tags.has(tag)) continue;
    walk.tags.add(tag);
    walk.keyTags++;
  }
}
