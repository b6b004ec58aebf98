/**
 * The SDL without the REST mapping (directive uses, their definitions, `HttpMethod`): what the
 * in-process schema is built from, and, with the federation `@link` added when the author did not
 * write one, the federation v2 subgraph SDL that is composed.
 */
import { type DefinitionNode, type DocumentNode, Kind, parse, visit } from 'graphql';
import { REST_DIRECTIVE_NAMES, REST_TYPE_NAMES } from '../directives/rest.ts';

const DIRECTIVES: ReadonlySet<string> = new Set(REST_DIRECTIVE_NAMES);
const TYPES: ReadonlySet<string> = new Set(REST_TYPE_NAMES);

/** The federation directives a REST subgraph may use without writing its own `@link`. */
const FEDERATION_LINK = parse(/* GraphQL */ `
  extend schema
    @link(
      url: "https://specs.apollo.dev/federation/v2.3"
      import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@override"]
    )
`).definitions;

/** The document without REST directive uses and declarations. */
export function stripRestMapping(document: DocumentNode): DocumentNode {
  const definitions = document.definitions.filter((def) => !isRestDefinition(def));
  return visit(
    { ...document, definitions },
    {
      Directive(node) {
        return DIRECTIVES.has(node.name.value) ? null : undefined;
      },
    },
  );
}

/** The composed SDL: stripped, with a federation v2 `@link` unless one is there. */
export function federationTypeDefs(stripped: DocumentNode): DocumentNode {
  const linked = stripped.definitions.some(
    (def) =>
      (def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) &&
      def.directives?.some((d) => d.name.value === 'link'),
  );
  return linked ? stripped : { ...stripped, definitions: [...FEDERATION_LINK, ...stripped.definitions] };
}

function isRestDefinition(def: DefinitionNode): boolean {
  if (def.kind === Kind.DIRECTIVE_DEFINITION) return DIRECTIVES.has(def.name.value);
  return def.kind === Kind.ENUM_TYPE_DEFINITION && TYPES.has(def.name.value);
}
