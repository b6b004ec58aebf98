/**
 * Reads the REST directives of a subgraph SDL into a `RestModel`, checking what the SDL grammar
 * cannot: template variables name real arguments and key fields, lookups match a `@key`, a field
 * is not mapped twice. Every problem is collected; the caller reports them together.
 */
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';
import { collectDirectiveUses, type DirectiveUse } from './directive-usage.ts';
import type { RestLookup, RestModel } from './model.ts';
import { readLookup } from './read-lookup.ts';
import { readRestCall } from './read-rest-call.ts';

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** Reads the mapping of a document; `problems` is empty when it can be built. */
export function readRestDirectives(document: DocumentNode): { model: RestModel; problems: string[] } {
  const { uses, problems } = collectDirectiveUses(document);
  const consumed = new Set<DirectiveUse>();
  const take = (where: string, name: string) => {
    const found = (uses.get(where) ?? []).filter((u) => u.name === name);
    for (const use of found) consumed.add(use);
    return found;
  };
  const model: RestModel = {
    calls: new Map(),
    fieldNames: new Map(),
    enumValues: new Map(),
    entities: entityKeys(document),
    lookups: new Map(),
  };
  const rename = (map: Map<string, Map<string, string>>, type: string, name: string) => {
    const from = take(`${type}.${name}`, 'map')[0]?.args.from;
    if (typeof from !== 'string') return;
    const names = map.get(type) ?? new Map<string, string>();
    names.set(name, from);
    map.set(type, names);
  };

  for (const definition of document.definitions) {
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) {
      readObject(definition);
    } else if (
      definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION
    ) {
      for (const field of definition.fields ?? [])
        rename(model.fieldNames, definition.name.value, field.name.value);
    } else if (
      definition.kind === Kind.ENUM_TYPE_DEFINITION ||
      definition.kind === Kind.ENUM_TYPE_EXTENSION
    ) {
      for (const value of definition.values ?? [])
        rename(model.enumValues, definition.name.value, value.name.value);
    }
  }

  function readObject(node: ObjectNode) {
    const type = node.name.value;
    for (const field of node.fields ?? []) {
      rename(model.fieldNames, type, field.name.value);
      const [rest] = take(`${type}.${field.name.value}`, 'rest');
      if (rest) readField(type, field, rest);
    }
    for (const use of take(type, 'restLookup')) {
      const lookup = readLookup(use, model.entities.get(type), fieldsOf(type), problems);
      if (lookup !== undefined) addLookup(type, lookup);
    }
  }

  function readField(type: string, field: FieldDefinitionNode, use: DirectiveUse) {
    const where = `${type}.${field.name.value}`;
    if (type === 'Subscription') {
      problems.push(`${where}: @rest cannot resolve a subscription field; move it to Query or Mutation`);
      return;
    }
    const args = (field.arguments ?? []).map((a) => a.name.value);
    const call = readRestCall(use, { where, args, isRoot: ROOT_TYPES.has(type) }, problems);
    if (call) model.calls.set(where, call);
  }

  /** A single form and a batch form of the same key, declared apart, make one lookup. */
  function addLookup(type: string, lookup: RestLookup) {
    const list = model.lookups.get(type) ?? [];
    const same = list.find((l) => l.keyFields.join(' ') === lookup.keyFields.join(' '));
    if (same === undefined) {
      model.lookups.set(type, [...list, lookup]);
    } else if ((same.single && lookup.single) || (same.batch && lookup.batch)) {
      problems.push(
        `${type}: two @restLookup give the same form for key "${lookup.keyFields.join(' ')}"; keep one`,
      );
    } else {
      same.single ??= lookup.single;
      same.batch ??= lookup.batch;
    }
  }

  function fieldsOf(type: string): Set<string> {
    const names = new Set<string>();
    for (const def of document.definitions) {
      if (
        (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) &&
        def.name.value === type
      ) {
        for (const field of def.fields ?? []) names.add(field.name.value);
      }
    }
    return names;
  }

  for (const list of uses.values()) {
    for (const use of list) {
      if (consumed.has(use)) continue;
      problems.push(
        `${use.where}: @${use.name} has no effect here; REST directives apply to object types, their fields, input fields and enum values`,
      );
    }
  }
  return { model, problems };
}

/** Entity types and the fields of each flat key (`@key(fields: "id")`, `@key(fields: "a b")`). */
function entityKeys(document: DocumentNode): Map<string, string[][]> {
  const entities = new Map<string, string[][]>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const keys = (def.directives ?? []).filter(isKey);
    if (keys.length === 0) continue;
    const list = entities.get(def.name.value) ?? [];
    for (const key of keys) {
      const fields = key.arguments?.find((a) => a.name.value === 'fields')?.value;
      if (fields?.kind !== Kind.STRING || /[{}]/.test(fields.value)) continue;
      list.push(fields.value.trim().split(/[\s,]+/));
    }
    entities.set(def.name.value, list);
  }
  return entities;
}

function isKey(directive: ConstDirectiveNode): boolean {
  return directive.name.value === 'key' || directive.name.value === 'federation__key';
}
