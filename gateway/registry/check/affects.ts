/**
 * Which recorded uses mean an operation is broken by a breaking change: its own coordinate is not
 * always the right one (docs/usage.md, "How a change matches operations"). Values sent in
 * variables are recorded as their type only, and an operation that leaves an argument out does
 * not record it, so:
 *
 * - an enum value removed: operations writing that value, or given the enum whole (a variable of
 *   the enum, or of an input object holding it): `Currency.EUR`, `=Currency`, `=Filter`;
 * - an input field made non-null, a required input field added, an input type removed or changed
 *   kind: every operation building that input object (its fields written, an argument or input
 *   field of that type, a variable of it or of an input object holding it);
 * - an input field removed, or changed to a type that is not a non-null one: operations writing
 *   it, or given the input object whole;
 * - an argument made non-null: every operation selecting the field (those passing it by a
 *   nullable variable break too, and which pass it is not recorded).
 *
 * `=Type` matches only operations given the type whole (core/usage.ts). Uses are looked up in
 * the schema in service, the one the operations were recorded against.
 */
import {
  BreakingChangeType,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
} from 'graphql';

/**
 * The usage coordinates for a breaking change of `type` at `coordinate`; `own` when the change
 * needs nothing more (its coordinate, or the one diff.ts derived).
 */
export function affectedBy(
  type: string,
  coordinate: string,
  own: string[],
  before: GraphQLSchema,
  after: GraphQLSchema,
): string[] {
  switch (type) {
    case BreakingChangeType.VALUE_REMOVED_FROM_ENUM: {
      const [enumName] = coordinate.split('.');
      return [coordinate, ...givenWhole(before, enumName!)];
    }
    case BreakingChangeType.REQUIRED_INPUT_FIELD_ADDED:
      return builders(before, coordinate.split('.')[0]!);
    case BreakingChangeType.TYPE_REMOVED:
    case BreakingChangeType.TYPE_CHANGED_KIND: {
      const old = before.getType(coordinate);
      if (isInputObjectType(old)) return builders(before, coordinate);
      return isEnumType(old) ? [coordinate, ...givenWhole(before, coordinate)] : own;
    }
    case BreakingChangeType.FIELD_REMOVED:
    case BreakingChangeType.FIELD_CHANGED_KIND:
      return inputField(type, coordinate, own, before, after);
    case BreakingChangeType.ARG_CHANGED_KIND:
      return madeNonNull(coordinate, before, after) ?? own;
    default:
      return own;
  }
}

/** An input object's field removed or changed; `own` for an output field. */
function inputField(
  type: string,
  coordinate: string,
  own: string[],
  before: GraphQLSchema,
  after: GraphQLSchema,
): string[] {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  const old = before.getType(typeName);
  if (!isInputObjectType(old)) return own;
  const now = after.getType(typeName);
  const field = isInputObjectType(now) ? now.getFields()[fieldName] : undefined;
  const required =
    type === BreakingChangeType.FIELD_CHANGED_KIND && field !== undefined && isNonNullType(field.type);
  // A field now required breaks every operation building the object without it.
  return required ? builders(before, typeName) : [coordinate, ...givenWhole(before, typeName)];
}

/** `Type.field` when the argument at `Type.field(arg:)` became non-null; undefined otherwise. */
function madeNonNull(coordinate: string, before: GraphQLSchema, after: GraphQLSchema): string[] | undefined {
  const match = /^([^.]+)\.([^(]+)\(([^:]+):\)$/.exec(coordinate);
  if (match === null) return undefined;
  const [, typeName, fieldName, argName] = match as unknown as [string, string, string, string];
  const argOf = (schema: GraphQLSchema) => {
    const type = schema.getType(typeName);
    if (!isObjectType(type) && !isInterfaceType(type)) return undefined;
    return type.getFields()[fieldName]?.args.find((a) => a.name === argName);
  };
  const old = argOf(before);
  const now = argOf(after);
  if (now === undefined || !isNonNullType(now.type)) return undefined;
  if (old !== undefined && isNonNullType(old.type)) return undefined;
  return [`${typeName}.${fieldName}`];
}

/** `=T` for `name` and each input object holding it: operations given it whole, by a variable. */
function givenWhole(schema: GraphQLSchema, name: string): string[] {
  return [...holders(schema, name)].map((n) => `=${n}`);
}

/**
 * Every use that builds input object `name`: its fields written (`Filter`, matching `Filter.*`),
 * given whole (it or an input object holding it), and every argument or input field of its type
 * (an empty `{}` records only the argument or field it is given to).
 */
function builders(schema: GraphQLSchema, name: string): string[] {
  const found = [name, ...givenWhole(schema, name)];
  const holds = (type: GraphQLInputType) => getNamedType(type).name === name;
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        if (holds(field.type)) found.push(`${type.name}.${field.name}`);
    } else if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields()))
        for (const arg of field.args)
          if (holds(arg.type)) found.push(`${type.name}.${field.name}(${arg.name}:)`);
    }
  }
  for (const directive of schema.getDirectives())
    for (const arg of directive.args) if (holds(arg.type)) found.push(`@${directive.name}(${arg.name}:)`);
  return [...new Set(found)];
}

/** `name` and the input objects that hold it, directly or through other input objects. */
function holders(schema: GraphQLSchema, name: string): Set<string> {
  const inputs = Object.values(schema.getTypeMap()).filter(isInputObjectType);
  const found = new Set([name]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const input of inputs) {
      if (found.has(input.name)) continue;
      if (Object.values(input.getFields()).some((f) => found.has(getNamedType(f.type).name))) {
        found.add(input.name);
        grew = true;
      }
    }
  }
  return found;
}
