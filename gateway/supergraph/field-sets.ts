/**
 * The field sets of a supergraph's join directives (`@join__type(key:)`,
 * `@join__field(requires:, provides:)`) checked against its types: the query planner (native
 * code) aborts the process on a field set naming a field its type does not have, so such a
 * supergraph is refused before it gets there (a hand edit, a merge gone wrong).
 */
import {
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  type SelectionSetNode,
} from 'graphql';

/** Each field set of `schema`'s join directives that does not resolve, as a one-line problem. */
export function fieldSetProblems(schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const directive of type.astNode?.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const key = stringArgument(directive, 'key');
      if (key !== undefined)
        check(schema, type, key, graphOf(directive), `@join__type(key:) on ${type.name}`, problems);
    }
    for (const field of Object.values(type.getFields())) {
      const joins = (field.astNode?.directives ?? []).filter((d) => d.name.value === 'join__field');
      // A field every graph declares external is resolved by none (the planner aborts on it).
      if (joins.length > 0 && joins.every((d) => graphOf(d) !== undefined && booleanArgument(d, 'external')))
        problems.push(
          `${type.name}.${field.name} is external in every subgraph that has it: none resolves it`,
        );
      for (const directive of joins) {
        const where = `on ${type.name}.${field.name}`;
        const graph = graphOf(directive);
        const requires = stringArgument(directive, 'requires');
        if (requires !== undefined)
          check(schema, type, requires, graph, `@join__field(requires:) ${where}`, problems);
        const provides = stringArgument(directive, 'provides');
        if (provides !== undefined)
          check(
            schema,
            getNamedType(field.type),
            provides,
            graph,
            `@join__field(provides:) ${where}`,
            problems,
          );
      }
    }
  }
  return problems;
}

/** The graph a join directive names (`graph: PRODUCTS`), if it names one. */
function graphOf(directive: ConstDirectiveNode): string | undefined {
  const argument = directive.arguments?.find((a) => a.name.value === 'graph');
  return argument?.value.kind === Kind.ENUM ? argument.value.value : undefined;
}

function booleanArgument(directive: ConstDirectiveNode, name: string): boolean {
  const argument = directive.arguments?.find((a) => a.name.value === name);
  return argument?.value.kind === Kind.BOOLEAN && argument.value.value;
}

/**
 * Whether `graph` has the field: the field names it in a `@join__field`, or has none and its type
 * names it in a `@join__type` (or has none either: a type every graph shares, such as a value type).
 */
function inGraph(type: GraphQLNamedType, field: GraphQLField<unknown, unknown>, graph: string): boolean {
  const fieldJoins = (field.astNode?.directives ?? []).filter(
    (d) => d.name.value === 'join__field' && graphOf(d) !== undefined,
  );
  if (fieldJoins.length > 0) return fieldJoins.some((d) => graphOf(d) === graph);
  const typeJoins = (type.astNode?.directives ?? []).filter((d) => d.name.value === 'join__type');
  return typeJoins.length === 0 || typeJoins.some((d) => graphOf(d) === graph);
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const argument = directive.arguments?.find((a) => a.name.value === name);
  return argument?.value.kind === Kind.STRING ? argument.value.value : undefined;
}

function check(
  schema: GraphQLSchema,
  type: GraphQLNamedType,
  fieldSet: string,
  graph: string | undefined,
  where: string,
  problems: string[],
): void {
  let selectionSet: SelectionSetNode;
  try {
    const document = parse(`{${fieldSet}}`, { noLocation: true });
    const operation = document.definitions[0];
    if (operation?.kind !== Kind.OPERATION_DEFINITION) throw new Error('not a selection set');
    selectionSet = operation.selectionSet;
  } catch {
    problems.push(`the field set "${fieldSet}" of ${where} does not parse`);
    return;
  }
  const missing = unresolved(schema, type, selectionSet, graph);
  if (missing !== undefined) problems.push(`the field set "${fieldSet}" of ${where} names ${missing}`);
}

/** The first selection of `selectionSet` that `type` does not have, described; undefined when all resolve. */
function unresolved(
  schema: GraphQLSchema,
  type: GraphQLNamedType,
  selectionSet: SelectionSetNode,
  graph: string | undefined,
): string | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) return `a fragment spread (...${selection.name.value})`;
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
      if (on === undefined || on === null) return `the unknown type ${selection.typeCondition?.name.value}`;
      const inner = unresolved(schema, on, selection.selectionSet, graph);
      if (inner !== undefined) return inner;
      continue;
    }
    const name = selection.name.value;
    if (name === '__typename') continue;
    if (!isObjectType(type) && !isInterfaceType(type))
      return isUnionType(type) ? `${name}, a field of the union ${type.name}` : `${name} on ${type.name}`;
    const field = type.getFields()[name];
    if (field === undefined) return `${type.name}.${name}, a field ${type.name} does not have`;
    if (graph !== undefined && !inGraph(type, field, graph))
      return `${type.name}.${name}, which subgraph ${graph} does not have`;
    if (selection.selectionSet !== undefined) {
      const inner = unresolved(schema, getNamedType(field.type), selection.selectionSet, graph);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}
