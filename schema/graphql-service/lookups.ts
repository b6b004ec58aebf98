/**
 * Lookups: how an entity of a plain GraphQL service is fetched by its key. They come from the
 * config (`lookups`) and from `@lookup` on Query fields of a `schemaFile`; both are checked once,
 * at load time, against the service's schema, and every mismatch is reported together with the fix.
 */
import {
  type GraphQLField,
  type GraphQLSchema,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { loadFailed } from '../../core/errors.ts';
import { LOOKUP_DIRECTIVE_NAME } from '../directives/lookup.ts';
import type { LookupOptions } from '../options.ts';
import { type KeyField, keyInputProblems, keyProblems, parseKey, printKey } from './key.ts';

/** A lookup as declared, with where it was declared (named in problems). */
export interface LookupDeclaration extends LookupOptions {
  /** `lookups[0]` or `@lookup on Query.usersByIds`. */
  origin: string;
}

/** A lookup checked against the service's schema. */
export interface ResolvedLookup {
  /** The entity type. */
  type: string;
  /** The key in `@key(fields:)` syntax, normalised. */
  key: string;
  keyFields: KeyField[];
  /** The field of the service's query root. */
  field: string;
  argument: string;
  /** One call with the list of keys, answered in the same order. */
  batch: boolean;
}

/** The config's lookups, as declarations. */
export function configLookups(lookups: readonly LookupOptions[]): LookupDeclaration[] {
  return lookups.map((lookup, index) => ({ ...lookup, origin: `lookups[${index}]` }));
}

/** `@lookup` on the query root's fields (only a schema built from SDL has them). */
export function directiveLookups(schema: GraphQLSchema): LookupDeclaration[] {
  const directive = schema.getDirective(LOOKUP_DIRECTIVE_NAME);
  const query = schema.getQueryType();
  if (directive === undefined || directive === null || query === undefined || query === null) return [];
  const declarations: LookupDeclaration[] = [];
  for (const field of Object.values(query.getFields())) {
    if (field.astNode === undefined || field.astNode === null) continue;
    const values = getDirectiveValues(directive, field.astNode);
    if (values === undefined) continue;
    declarations.push({
      origin: `@lookup on ${query.name}.${field.name}`,
      type: getNamedType(field.type).name,
      field: field.name,
      key: typeof values.key === 'string' ? values.key : 'id',
      argument: typeof values.argument === 'string' ? values.argument : (onlyArgument(field) ?? 'id'),
      batch: typeof values.batch === 'boolean' ? values.batch : isListType(getNullableType(field.type)),
    });
  }
  return declarations;
}

function onlyArgument(field: GraphQLField<unknown, unknown>): string | undefined {
  return field.args.length === 1 ? field.args[0]?.name : undefined;
}

/** Checks every declaration; throws SUBGRAPH_LOAD_FAILED listing all problems when any is wrong. */
export function resolveLookups(
  serviceName: string,
  schema: GraphQLSchema,
  declarations: readonly LookupDeclaration[],
): ResolvedLookup[] {
  const problems: string[] = [];
  const resolved: ResolvedLookup[] = [];
  const byType = new Map<string, string>();
  for (const declaration of declarations) {
    const where = `${declaration.origin} (type ${declaration.type}, field ${declaration.field})`;
    const found = checkLookup(schema, declaration);
    const previous = byType.get(declaration.type);
    if (previous !== undefined) {
      found.push(`${declaration.type} already has a lookup (${previous}); declare one lookup per type`);
    }
    byType.set(declaration.type, declaration.origin);
    if (found.length > 0) {
      problems.push(...found.map((problem) => `${where}: ${problem}`));
      continue;
    }
    const keyFields = parseKey(declaration.key) as KeyField[];
    resolved.push({
      type: declaration.type,
      key: printKey(keyFields),
      keyFields,
      field: declaration.field,
      argument: declaration.argument,
      batch: declaration.batch,
    });
  }
  if (problems.length > 0) {
    throw loadFailed(
      serviceName,
      `the lookups of GraphQL service ${serviceName} do not match its schema`,
      undefined,
      problems,
    );
  }
  return resolved;
}

function checkLookup(schema: GraphQLSchema, lookup: LookupDeclaration): string[] {
  const type = schema.getType(lookup.type);
  if (type === undefined || type === null) {
    const objects = Object.values(schema.getTypeMap())
      .filter((t) => isObjectType(t) && !t.name.startsWith('__') && !isRootName(schema, t.name))
      .map((t) => t.name);
    return [`type "${lookup.type}" does not exist; set "type" to one of: ${objects.join(', ')}`];
  }
  if (!isObjectType(type))
    return [`"${lookup.type}" is not an object type; a lookup resolves an object type`];
  const key = parseKey(lookup.key);
  if (typeof key === 'string') return [`key "${lookup.key}" is not valid: ${key}`];
  const problems = keyProblems(key, type);

  const query = schema.getQueryType();
  const field = query?.getFields()[lookup.field];
  if (query === undefined || query === null || field === undefined) {
    const candidates = Object.values(query?.getFields() ?? {})
      .filter((f) => getNamedType(f.type) === type)
      .map((f) => f.name);
    const hint =
      candidates.length > 0 ? `one of: ${candidates.join(', ')}` : `a query field returning ${type.name}`;
    return [...problems, `query field "${lookup.field}" does not exist; set "field" to ${hint}`];
  }
  const fieldName = `${query.name}.${field.name}`;
  if (getNamedType(field.type) !== type) {
    problems.push(
      `${fieldName} returns ${String(field.type)}, not ${type.name}; use a field that returns it`,
    );
  }
  const returnsList = isListType(getNullableType(field.type));
  if (lookup.batch && !returnsList) {
    problems.push(`${fieldName} returns one ${type.name}, not a list; set "batch": false`);
  } else if (!lookup.batch && returnsList) {
    problems.push(`${fieldName} returns a list; set "batch": true (it must take a list of keys)`);
  }

  const argument = field.args.find((a) => a.name === lookup.argument);
  if (argument === undefined) {
    const names = field.args.map((a) => a.name).join(', ') || 'none';
    problems.push(
      `${fieldName} has no argument "${lookup.argument}" (its arguments: ${names}); set "argument"`,
    );
  } else if (problems.length === 0) {
    // Only once the field itself fits: its argument's shape follows from `batch` and the key.
    const where = `argument ${fieldName}(${argument.name}:)`;
    const argumentType = getNullableType(argument.type);
    if (lookup.batch && !isListType(argumentType)) {
      problems.push(`${where} is ${String(argument.type)}, not a list; a batch lookup takes a list of keys`);
    } else if (!lookup.batch && isListType(argumentType)) {
      problems.push(`${where} is a list; set "batch": true`);
    } else {
      problems.push(
        ...keyInputProblems(key, isListType(argumentType) ? argumentType.ofType : argumentType, where),
      );
    }
  }
  for (const other of argument === undefined ? [] : field.args) {
    if (other !== argument && isNonNullType(other.type) && other.defaultValue === undefined) {
      problems.push(`${fieldName} also requires argument "${other.name}", which a lookup cannot pass`);
    }
  }
  return problems;
}

function isRootName(schema: GraphQLSchema, name: string): boolean {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].some(
    (root) => root?.name === name,
  );
}
