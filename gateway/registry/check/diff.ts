/**
 * The changes between two client-facing schemas, each with the schema coordinate it concerns.
 * Breaking and dangerous changes are graphql-js's own (`findBreakingChanges`,
 * `findDangerousChanges`: the rules every GraphQL tool agrees on); their coordinates are read
 * from the change's text, one pattern per kind of change (graphql 16's wording, pinned by the
 * unit tests). Safe changes (types, fields added; output types made non-null; arguments and input
 * fields made nullable; deprecations) are found here, as graphql-js reports none.
 */
import {
  BreakingChangeType,
  DangerousChangeType,
  findBreakingChanges,
  findDangerousChanges,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  specifiedScalarTypes,
} from 'graphql';
import { affectedBy } from './affects.ts';

export type ChangeKind = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  kind: ChangeKind;
  /** graphql-js's change type (`FIELD_REMOVED`), or ours for safe ones (`FIELD_ADDED`). */
  type: string;
  /** `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `Input.field`, `@directive`, `@directive(arg:)`. */
  coordinate: string;
  message: string;
  /**
   * The coordinates whose recorded use means an operation is affected (usage.md): the change's
   * own; for a type taken out of a union, the member (operations spreading `... on Member`); for
   * enum values, input objects and arguments made required, those of affects.ts.
   */
  usageCoordinates: string[];
}

const NAME = '([_A-Za-z][_0-9A-Za-z]*)';
/** Per change type: the pattern of its text and the coordinate built from the captures. */
const COORDINATES: Record<string, [RegExp, (m: string[]) => string, ((m: string[]) => string)?]> = {
  [BreakingChangeType.TYPE_REMOVED]: [new RegExp(`^(?:Standard scalar )?${NAME}`), (m) => m[1]!],
  [BreakingChangeType.TYPE_CHANGED_KIND]: [new RegExp(`^${NAME} changed from`), (m) => m[1]!],
  [BreakingChangeType.TYPE_REMOVED_FROM_UNION]: [
    new RegExp(`^${NAME} was removed from union type ${NAME}`),
    (m) => m[2]!,
    (m) => m[1]!,
  ],
  [BreakingChangeType.VALUE_REMOVED_FROM_ENUM]: [
    new RegExp(`^${NAME} was removed from enum type ${NAME}`),
    (m) => `${m[2]}.${m[1]}`,
  ],
  [BreakingChangeType.REQUIRED_INPUT_FIELD_ADDED]: [
    new RegExp(`field ${NAME} on input type ${NAME}`),
    (m) => `${m[2]}.${m[1]}`,
    (m) => m[2]!,
  ],
  [BreakingChangeType.IMPLEMENTED_INTERFACE_REMOVED]: [
    new RegExp(`^${NAME} no longer implements`),
    (m) => m[1]!,
  ],
  [BreakingChangeType.FIELD_REMOVED]: [new RegExp(`^${NAME}\\.${NAME}`), (m) => `${m[1]}.${m[2]}`],
  [BreakingChangeType.FIELD_CHANGED_KIND]: [new RegExp(`^${NAME}\\.${NAME}`), (m) => `${m[1]}.${m[2]}`],
  [BreakingChangeType.REQUIRED_ARG_ADDED]: [
    new RegExp(`arg ${NAME} on ${NAME}\\.${NAME}`),
    (m) => `${m[2]}.${m[3]}(${m[1]}:)`,
    (m) => `${m[2]}.${m[3]}`,
  ],
  [BreakingChangeType.ARG_REMOVED]: [new RegExp(`^${NAME}\\.${NAME} arg ${NAME}`), argument],
  [BreakingChangeType.ARG_CHANGED_KIND]: [new RegExp(`^${NAME}\\.${NAME} arg ${NAME}`), argument],
  [BreakingChangeType.DIRECTIVE_REMOVED]: [new RegExp(`^${NAME}`), (m) => `@${m[1]}`],
  [BreakingChangeType.DIRECTIVE_ARG_REMOVED]: [
    new RegExp(`^${NAME} was removed from ${NAME}`),
    (m) => `@${m[2]}(${m[1]}:)`,
  ],
  [BreakingChangeType.REQUIRED_DIRECTIVE_ARG_ADDED]: [
    new RegExp(`arg ${NAME} on directive ${NAME}`),
    (m) => `@${m[2]}(${m[1]}:)`,
    (m) => `@${m[2]}`,
  ],
  [BreakingChangeType.DIRECTIVE_REPEATABLE_REMOVED]: [new RegExp(`from ${NAME}\\.$`), (m) => `@${m[1]}`],
  [BreakingChangeType.DIRECTIVE_LOCATION_REMOVED]: [new RegExp(`from ${NAME}\\.$`), (m) => `@${m[1]}`],
  [DangerousChangeType.VALUE_ADDED_TO_ENUM]: [
    new RegExp(`^${NAME} was added to enum type ${NAME}`),
    (m) => `${m[2]}.${m[1]}`,
  ],
  [DangerousChangeType.TYPE_ADDED_TO_UNION]: [new RegExp(`to union type ${NAME}`), (m) => m[1]!],
  [DangerousChangeType.OPTIONAL_INPUT_FIELD_ADDED]: [
    new RegExp(`field ${NAME} on input type ${NAME}`),
    (m) => `${m[2]}.${m[1]}`,
  ],
  [DangerousChangeType.OPTIONAL_ARG_ADDED]: [
    new RegExp(`arg ${NAME} on ${NAME}\\.${NAME}`),
    (m) => `${m[2]}.${m[3]}(${m[1]}:)`,
  ],
  [DangerousChangeType.IMPLEMENTED_INTERFACE_ADDED]: [new RegExp(`implemented by ${NAME}`), (m) => m[1]!],
  [DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE]: [new RegExp(`^${NAME}\\.${NAME} arg ${NAME}`), argument],
};

function argument(m: string[]): string {
  return `${m[1]}.${m[2]}(${m[3]}:)`;
}

/**
 * The built-in scalars (Int, Float, String, Boolean, ID): a schema holds those it references,
 * so one "removed" or "added" only says that no field (or a first field) uses it now; never a
 * change for clients.
 */
const BUILT_IN_SCALARS = new Set(specifiedScalarTypes.map((t) => t.name));

/** Every change from `before` to `after`: breaking first, then dangerous, then safe. */
export function diffSchemas(before: GraphQLSchema, after: GraphQLSchema): SchemaChange[] {
  const breaking = findBreakingChanges(before, after)
    .filter((c) => !(c.type === BreakingChangeType.TYPE_REMOVED && builtInScalarNamed(c.description)))
    .map((c) => {
      const change = located('breaking', c.type, c.description);
      if (change.coordinate !== '')
        change.usageCoordinates = affectedBy(
          c.type,
          change.coordinate,
          change.usageCoordinates,
          before,
          after,
        );
      return change;
    });
  const dangerous = findDangerousChanges(before, after).map((c) =>
    located('dangerous', c.type, c.description),
  );
  return [
    ...breaking,
    ...dangerous,
    ...safeChanges(before, after, new Set(breaking.map((c) => c.coordinate))),
  ];
}

/** Whether a TYPE_REMOVED text names a built-in scalar (`Standard scalar Int was removed...`). */
function builtInScalarNamed(description: string): boolean {
  const name = new RegExp(`^(?:Standard scalar )?${NAME}`).exec(description)?.[1];
  return name !== undefined && BUILT_IN_SCALARS.has(name);
}

function located(kind: ChangeKind, type: string, message: string): SchemaChange {
  const rule = COORDINATES[type];
  const match = rule?.[0].exec(message);
  // A wording this file does not know (another graphql version): the change still counts.
  if (rule === undefined || match === null || match === undefined) {
    return { kind, type, coordinate: '', message, usageCoordinates: [] };
  }
  const coordinate = rule[1](match);
  return { kind, type, coordinate, message, usageCoordinates: [rule[2]?.(match) ?? coordinate] };
}

/** Additions and loosenings graphql-js does not report; `breaking` holds coordinates it did. */
function safeChanges(
  before: GraphQLSchema,
  after: GraphQLSchema,
  breaking: ReadonlySet<string>,
): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const safe = (type: string, coordinate: string, message: string) =>
    changes.push({ kind: 'safe', type, coordinate, message, usageCoordinates: [] });
  const oldTypes = before.getTypeMap();
  for (const [name, type] of Object.entries(after.getTypeMap())) {
    if (name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    const old = oldTypes[name];
    if (old === undefined) {
      safe('TYPE_ADDED', name, `${name} was added${fieldCount(type)}.`);
      continue;
    }
    if (old.constructor !== type.constructor) continue;
    if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(old) || isInterfaceType(old))) {
      const oldFields = old.getFields();
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${name}.${field.name}`;
        const was = oldFields[field.name];
        if (was === undefined) safe('FIELD_ADDED', coordinate, `${coordinate} was added.`);
        else fieldChanges(was, field, coordinate, breaking, safe);
      }
    }
    if (isInputObjectType(type) && isInputObjectType(old)) {
      const oldFields = old.getFields();
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${name}.${field.name}`;
        const was = oldFields[field.name];
        if (was !== undefined && String(was.type) !== String(field.type) && !breaking.has(coordinate))
          safe(
            'INPUT_FIELD_CHANGED_TYPE',
            coordinate,
            `${coordinate} changed type from ${was.type} to ${field.type}.`,
          );
      }
    }
    if (isEnumType(type) && isEnumType(old)) deprecations(old, type, safe);
  }
  return changes;
}

/** ` (3 fields)` for a type with fields, else nothing. */
function fieldCount(type: GraphQLNamedType): string {
  if (!(isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))) return '';
  const count = Object.keys(type.getFields()).length;
  return ` (${count} field${count === 1 ? '' : 's'})`;
}

type Safe = (type: string, coordinate: string, message: string) => void;

function fieldChanges(
  was: GraphQLField<unknown, unknown>,
  field: GraphQLField<unknown, unknown>,
  coordinate: string,
  breaking: ReadonlySet<string>,
  safe: Safe,
): void {
  if (String(was.type) !== String(field.type) && !breaking.has(coordinate))
    safe('FIELD_CHANGED_TYPE', coordinate, `${coordinate} changed type from ${was.type} to ${field.type}.`);
  if (was.deprecationReason == null && field.deprecationReason != null)
    safe('FIELD_DEPRECATED', coordinate, `${coordinate} was deprecated: ${field.deprecationReason}`);
  for (const arg of field.args) {
    const old = was.args.find((a) => a.name === arg.name);
    const argCoordinate = `${coordinate}(${arg.name}:)`;
    if (old !== undefined && String(old.type) !== String(arg.type) && !breaking.has(argCoordinate))
      safe(
        'ARG_CHANGED_TYPE',
        argCoordinate,
        `${argCoordinate} changed type from ${old.type} to ${arg.type}.`,
      );
  }
}

function deprecations(old: GraphQLNamedType, type: GraphQLNamedType, safe: Safe): void {
  if (!isEnumType(old) || !isEnumType(type)) return;
  for (const value of type.getValues()) {
    const was = old.getValue(value.name);
    if (was != null && was.deprecationReason == null && value.deprecationReason != null)
      safe(
        'ENUM_VALUE_DEPRECATED',
        `${type.name}.${value.name}`,
        `${type.name}.${value.name} was deprecated.`,
      );
  }
}
