/**
 * The keys of entity types, as the cache reads them: parsed from the supergraph's
 * `@join__type(key:)` once per schema, and a key's value in an entity (or a representation) as
 * tags and purges write it: a key of one scalar field is its value (`42`); a compound or nested
 * key is JSON with sorted names.
 */
import { type DocumentNode, Kind, parse, type SelectionSetNode } from 'graphql';
import { stableJson } from './response-key.ts';

/** Each entity type's keys: for each key, the selection of its fields. */
export type EntityKeys = ReadonlyMap<string, readonly SelectionSetNode[]>;

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
