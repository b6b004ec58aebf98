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
 * A mutation's answer names what it changed: the first entities on each path of its answer (those
 * its root fields return, or hold in a payload object: `{ renameProduct { product { id } } }`),
 * not those nested below them, which it only reads; by key, and by type those returned without a
 * key (which one changed is unknown: every answer that may hold one is purged).
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
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { type EntityKeys, keyValue } from './entity-keys.ts';

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

interface Walk {
  schema: GraphQLSchema;
  keys: EntityKeys;
  fragments: Map<string, FragmentDefinitionNode>;
  tags: Set<string>;
  /** A mutation's answer: entities without a key tag their type; kept answers tag them `nokey:`. */
  changes: boolean;
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
  return selectionTypeTags(schema, document, root, operation.selectionSet, false);
}

/**
 * `type:` tags of every object type a selection on `parent` may return (`self`: `parent` too, an
 * entity fetched with it).
 */
export function selectionTypeTags(
  schema: GraphQLSchema,
  document: DocumentNode,
  parent: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  self: boolean,
): string[] {
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
  if (self) visitType(parent, selectionSet);
  else visit(parent, selectionSet);
  return [...types];
}

/**
 * The tags of one kept entity of `type`, fetched with `selectionSet`: its types (`types`, from
 * `selectionTypeTags`), its key from its representation (keyless when that lacks one of the type's
 * keys), and the entities nested in the fetched `value`, as an answer's are tagged.
 */
export function entityTags(
  schema: GraphQLSchema,
  keys: EntityKeys,
  document: DocumentNode,
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  representation: Record<string, unknown>,
  value: unknown,
  types: readonly string[],
): string[] {
  const tags = new Set(types);
  const walk = walkOf(schema, keys, document, tags, false);
  const own = keys.get(type.name) ?? [];
  const found = own.map((key) => keyValue(key, representation)).filter((v): v is string => v !== undefined);
  for (const value of found) tags.add(keyTag(type.name, value));
  if (found.length < own.length) tags.add(keylessTag(type.name));
  // The entity itself is tagged from its representation: its fields below, at depth 1 and on.
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const fields = new Map<string, FieldNode>();
    collect(walk, type, selectionSet, fields, type.name);
    const definitions = type.getFields();
    for (const [responseKey, field] of fields) {
      if (field.selectionSet === undefined) continue;
      const named = definitions[field.name.value]
        ? getNamedType(definitions[field.name.value]!.type)
        : undefined;
      if (named && isCompositeType(named))
        walkObject(walk, named, field.selectionSet, (value as Record<string, unknown>)[responseKey], 1);
    }
  }
  return [...tags];
}

function walkOf(
  schema: GraphQLSchema,
  keys: EntityKeys,
  document: DocumentNode,
  tags: Set<string>,
  changes: boolean,
): Walk {
  return { schema, keys, fragments: fragmentsOf(document), tags, changes, visited: 0, keyTags: 0 };
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
  // A mutation changed the first entities on each path (under payload objects, if any): what is
  // nested below them it only reads.
  if (walk.changes && depth > 0 && possibleEntities(walk, concrete).length > 0) return;
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
