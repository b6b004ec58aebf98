/**
 * What a supergraph must be before the engine sees it. The query planner is native code that
 * aborts the whole process on some invalid supergraphs (a file cut short after its join
 * definitions, with no Query type; a key naming a field its type does not have), and a `join__*`
 * directive naming a graph the `join__Graph`
 * enum does not list makes fields resolve silently to null: both are refused here, for every
 * source (a file, the registry, polling, a config reload).
 */
import {
  buildASTSchema,
  type DocumentNode,
  type GraphQLSchema,
  Kind,
  parse,
  validateSchema,
  visit,
} from 'graphql';
import { fieldSetProblems } from './field-sets.ts';

/**
 * The problems that keep `sdl` out of service, before anything is built from it (so its errors
 * are GraphQL's own short messages); none when it may be built.
 */
export function supergraphProblems(sdl: string): string[] {
  let document: DocumentNode;
  try {
    document = parse(sdl, { noLocation: true });
    // The supergraph itself, as a schema: every type it uses is defined, every object type has
    // fields, every root type exists. Not every SDL rule: composition may repeat a directive of a
    // subgraph's on a merged type (`@cacheControl` from two subgraphs).
    const schema = buildASTSchema(document, { assumeValidSDL: true });
    const invalid = validateSchema(schema);
    if (invalid.length > 0)
      return [`the supergraph is not a valid schema: ${invalid.map((e) => e.message).join('; ')}`];
    // Keys, requires and provides name fields their types have (the planner aborts otherwise).
    const unresolved = fieldSetProblems(schema);
    if (unresolved.length > 0) return unresolved;
  } catch (error) {
    return [`the supergraph SDL is not valid: ${(error as Error).message}`];
  }
  const graphs = graphNames(document);
  if (graphs.size === 0) return ['the supergraph names no subgraph (no join__Graph enum, or an empty one)'];
  const problems: string[] = duplicateGraphNames(document);
  const unknown = new Set<string>();
  visit(document, {
    Directive(directive) {
      if (!directive.name.value.startsWith('join__')) return;
      for (const argument of directive.arguments ?? []) {
        if (argument.name.value !== 'graph' || argument.value.kind !== Kind.ENUM) continue;
        if (!graphs.has(argument.value.value)) unknown.add(argument.value.value);
      }
    },
  });
  if (unknown.size > 0)
    problems.push(`join__ directives name graphs that join__Graph does not list: ${[...unknown].join(', ')}`);
  return problems;
}

/** Two `join__Graph` values with one `@join__graph(name:)`: two subgraphs by one name. */
function duplicateGraphNames(document: DocumentNode): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const directive = value.directives?.find((d) => d.name.value === 'join__graph');
      const name = directive?.arguments?.find((a) => a.name.value === 'name')?.value;
      if (name?.kind !== Kind.STRING) continue;
      if (seen.has(name.value)) twice.add(name.value);
      seen.add(name.value);
    }
  }
  return twice.size > 0 ? [`join__Graph names these subgraphs twice: ${[...twice].join(', ')}`] : [];
}

function graphNames(document: DocumentNode): Set<string> {
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph')
      return new Set((definition.values ?? []).map((v) => v.name.value));
  }
  return new Set();
}

/** The problems of the public schema built from a supergraph; none when it may be served. */
export function publicSchemaProblems(schema: GraphQLSchema): string[] {
  return validateSchema(schema).map((e) => `the public schema is not valid: ${e.message}`);
}

/** The first line of an error's message: some libraries put their cause's stack in it. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]!;
}
