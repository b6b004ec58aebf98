/**
 * Entity keys of a plain GraphQL service: `@key(fields:)` syntax parsed into a small tree, checked
 * against the service's types, and the key value taken out of a federation representation.
 *
 * A key of one scalar field (`id`) is passed to the lookup argument as the scalar itself. Any other
 * key (`id orgId`, `org { id }`) is passed as an object of the same shape, so the argument must be
 * an input object with those fields.
 */
import {
  type GraphQLInputType,
  type GraphQLObjectType,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isLeafType,
  isObjectType,
  Kind,
  parse,
  type SelectionSetNode,
} from 'graphql';

/** One field of a key; `fields` when it selects into an object (`org { id }`). */
export interface KeyField {
  name: string;
  fields?: KeyField[];
}

/** Parses `id orgId` / `org { id }`, or returns why it cannot. */
export function parseKey(key: string): KeyField[] | string {
  let selectionSet: SelectionSetNode;
  try {
    const operation = parse(`{ ${key} }`, { noLocation: true }).definitions[0];
    if (operation?.kind !== Kind.OPERATION_DEFINITION) return 'it is not a selection of fields';
    selectionSet = operation.selectionSet;
  } catch (error) {
    return `it does not parse: ${(error as Error).message}`;
  }
  return fromSelectionSet(selectionSet);
}

function fromSelectionSet(selectionSet: SelectionSetNode): KeyField[] | string {
  const fields: KeyField[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.alias || selection.arguments?.length) {
      return 'only plain field names are allowed (no fragments, aliases or arguments)';
    }
    if (selection.selectionSet === undefined) {
      fields.push({ name: selection.name.value });
      continue;
    }
    const nested = fromSelectionSet(selection.selectionSet);
    if (typeof nested === 'string') return nested;
    fields.push({ name: selection.name.value, fields: nested });
  }
  return fields;
}

/** True for a key passed as a bare scalar: one field, no sub-selection. */
export function isScalarKey(key: readonly KeyField[]): boolean {
  return key.length === 1 && key[0]?.fields === undefined;
}

/** Problems of `key` on `type` (fields that do not exist, leaves that are objects...). */
export function keyProblems(key: readonly KeyField[], type: GraphQLObjectType): string[] {
  const problems: string[] = [];
  for (const field of key) {
    const definition = type.getFields()[field.name];
    if (definition === undefined) {
      problems.push(
        `key field "${field.name}" does not exist on ${type.name} (its fields: ${Object.keys(type.getFields()).join(', ')})`,
      );
      continue;
    }
    const fieldType = getNamedType(definition.type);
    if (field.fields === undefined && !isLeafType(fieldType)) {
      problems.push(
        `key field ${type.name}.${field.name} is an object; select its fields ("${field.name} { id }")`,
      );
    } else if (field.fields !== undefined) {
      if (isObjectType(fieldType)) problems.push(...keyProblems(field.fields, fieldType));
      else
        problems.push(`key field ${type.name}.${field.name} is not an object type; remove its sub-selection`);
    }
  }
  return problems;
}

/** Problems of passing `key` values as `type` (an element of the lookup argument). */
export function keyInputProblems(key: readonly KeyField[], type: GraphQLInputType, where: string): string[] {
  const nullable = getNullableType(type);
  if (isScalarKey(key)) {
    return isLeafType(nullable) ? [] : [`${where} must take a scalar key value, not ${String(type)}`];
  }
  if (!isInputObjectType(nullable)) {
    return [`${where} must take an input object with the key fields (${printKey(key)}), not ${String(type)}`];
  }
  const problems: string[] = [];
  for (const field of key) {
    const input = nullable.getFields()[field.name];
    if (input === undefined) {
      problems.push(`${where}: input ${nullable.name} has no field "${field.name}" for the key`);
    } else if (field.fields !== undefined) {
      problems.push(...keyInputProblems(field.fields, input.type, `${where}.${field.name}`));
    }
  }
  return problems;
}

/**
 * The key value of a representation: the scalar for a scalar key, else an object of the key's
 * shape. Undefined when a key field is missing (a representation the planner should never send).
 */
export function pickKey(representation: Record<string, unknown>, key: readonly KeyField[]): unknown {
  if (isScalarKey(key)) {
    return representation[key[0]!.name];
  }
  return pickObject(representation, key);
}

function pickObject(source: Record<string, unknown>, key: readonly KeyField[]): unknown {
  const picked: Record<string, unknown> = {};
  for (const field of key) {
    const value = source[field.name];
    if (value === undefined) return undefined;
    if (field.fields === undefined || value === null) {
      picked[field.name] = value;
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    const nested = pickObject(value as Record<string, unknown>, field.fields);
    if (nested === undefined) return undefined;
    picked[field.name] = nested;
  }
  return picked;
}

/** The key back in `@key(fields:)` syntax, normalised. */
export function printKey(key: readonly KeyField[]): string {
  return key.map((f) => (f.fields ? `${f.name} { ${printKey(f.fields)} }` : f.name)).join(' ');
}
