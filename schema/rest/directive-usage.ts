/**
 * Finds every use of a REST directive in a document and checks it against its declaration in
 * `schema/directives/rest.ts`: the right place, known arguments of the right types, repeated only
 * when repeatable. Each problem names the type, field or value and says what to change.
 */
import {
  buildASTSchema,
  type DefinitionNode,
  DirectiveLocation,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLDirective,
  getArgumentValues,
  isNonNullType,
  Kind,
  parse,
} from 'graphql';
import { REST_DIRECTIVE_NAMES, REST_DIRECTIVES_SDL } from '../directives/rest.ts';

/** One use of a REST directive, its arguments checked and coerced. */
export interface DirectiveUse {
  name: string;
  /** Where it is: `Query.product`, `Product`, `Status.IN_STOCK`, `Query.product(id:)`. */
  where: string;
  args: Record<string, unknown>;
}

let declared: Map<string, GraphQLDirective> | undefined;

/** The declared REST directives, built once from their SDL. */
function restDirectives(): Map<string, GraphQLDirective> {
  if (declared === undefined) {
    const schema = buildASTSchema(parse(`${REST_DIRECTIVES_SDL}\ntype Query { _: Boolean }`));
    declared = new Map(REST_DIRECTIVE_NAMES.map((name) => [name, schema.getDirective(name)!]));
  }
  return declared;
}

interface Site {
  where: string;
  location: DirectiveLocation;
  directives: readonly DirectiveNode[] | undefined;
}

/** Every place that can carry directives, with its location and a name for messages. */
function sites(definition: DefinitionNode): Site[] {
  if (definition.kind === Kind.DIRECTIVE_DEFINITION || !('name' in definition) || !definition.name) {
    if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
      return [{ where: 'schema', location: DirectiveLocation.SCHEMA, directives: definition.directives }];
    }
    return [];
  }
  const type = definition.name.value;
  const out: Site[] = [];
  const location = TYPE_LOCATIONS[definition.kind];
  if (location && 'directives' in definition) {
    out.push({ where: type, location, directives: definition.directives });
  }
  if ('values' in definition) {
    for (const value of definition.values ?? []) {
      const where = `${type}.${value.name.value}`;
      out.push({ where, location: DirectiveLocation.ENUM_VALUE, directives: value.directives });
    }
  }
  if (!('fields' in definition)) return out;
  const isInput =
    definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION;
  for (const field of definition.fields ?? []) {
    const where = `${type}.${field.name.value}`;
    const fieldLocation = isInput
      ? DirectiveLocation.INPUT_FIELD_DEFINITION
      : DirectiveLocation.FIELD_DEFINITION;
    out.push({ where, location: fieldLocation, directives: field.directives });
    for (const arg of 'arguments' in field ? (field.arguments ?? []) : []) {
      const at = `${where}(${arg.name.value}:)`;
      out.push({ where: at, location: DirectiveLocation.ARGUMENT_DEFINITION, directives: arg.directives });
    }
  }
  return out;
}

const TYPE_LOCATIONS: Partial<Record<Kind, DirectiveLocation>> = {
  [Kind.OBJECT_TYPE_DEFINITION]: DirectiveLocation.OBJECT,
  [Kind.OBJECT_TYPE_EXTENSION]: DirectiveLocation.OBJECT,
  [Kind.INTERFACE_TYPE_DEFINITION]: DirectiveLocation.INTERFACE,
  [Kind.INTERFACE_TYPE_EXTENSION]: DirectiveLocation.INTERFACE,
  [Kind.UNION_TYPE_DEFINITION]: DirectiveLocation.UNION,
  [Kind.UNION_TYPE_EXTENSION]: DirectiveLocation.UNION,
  [Kind.ENUM_TYPE_DEFINITION]: DirectiveLocation.ENUM,
  [Kind.ENUM_TYPE_EXTENSION]: DirectiveLocation.ENUM,
  [Kind.SCALAR_TYPE_DEFINITION]: DirectiveLocation.SCALAR,
  [Kind.SCALAR_TYPE_EXTENSION]: DirectiveLocation.SCALAR,
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: DirectiveLocation.INPUT_OBJECT,
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: DirectiveLocation.INPUT_OBJECT,
};

/**
 * Checks every use of a REST directive in `document`. Returns the uses that are sound, by where
 * they are, and the problems of the others.
 */
export function collectDirectiveUses(document: DocumentNode): {
  uses: Map<string, DirectiveUse[]>;
  problems: string[];
} {
  const directives = restDirectives();
  const uses = new Map<string, DirectiveUse[]>();
  const problems: string[] = [];
  for (const site of document.definitions.flatMap(sites)) {
    const seen = new Set<string>();
    for (const node of site.directives ?? []) {
      const directive = directives.get(node.name.value);
      if (directive === undefined) continue;
      const at = `${site.where}: @${directive.name}`;
      if (!directive.locations.includes(site.location)) {
        problems.push(`${at} is not allowed on ${describe(site.location)}; it goes on ${where(directive)}`);
        continue;
      }
      if (seen.has(directive.name) && !directive.isRepeatable) {
        problems.push(`${at} is used twice; keep one`);
        continue;
      }
      seen.add(directive.name);
      const known = new Set(directive.args.map((a) => a.name));
      const unknown = (node.arguments ?? []).filter((a) => !known.has(a.name.value));
      if (unknown.length > 0) {
        const names = unknown.map((a) => `"${a.name.value}"`).join(', ');
        problems.push(`${at} has unknown argument ${names}; its arguments are ${[...known].join(', ')}`);
        continue;
      }
      const missing = directive.args.filter(
        (a) =>
          isNonNullType(a.type) &&
          a.defaultValue === undefined &&
          !node.arguments?.some((n) => n.name.value === a.name),
      );
      if (missing.length > 0) {
        problems.push(`${at} needs ${missing.map((a) => `${a.name}: ${String(a.type)}`).join(', ')}; add it`);
        continue;
      }
      try {
        const args = getArgumentValues(directive, node);
        const list = uses.get(site.where) ?? [];
        list.push({ name: directive.name, where: site.where, args });
        uses.set(site.where, list);
      } catch (error) {
        problems.push(`${at}: ${(error as Error).message}`);
      }
    }
  }
  return { uses, problems };
}

const PLACES: Partial<Record<DirectiveLocation, string>> = {
  [DirectiveLocation.OBJECT]: 'an object type',
  [DirectiveLocation.FIELD_DEFINITION]: 'a field',
  [DirectiveLocation.ARGUMENT_DEFINITION]: 'an argument',
  [DirectiveLocation.INPUT_FIELD_DEFINITION]: 'an input field',
  [DirectiveLocation.ENUM_VALUE]: 'an enum value',
};

function describe(location: DirectiveLocation): string {
  return PLACES[location] ?? `a ${location.toLowerCase().replaceAll('_', ' ')}`;
}

function where(directive: GraphQLDirective): string {
  return directive.locations.map(describe).join(' or ');
}
