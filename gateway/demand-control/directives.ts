/**
 * The demand-control directives as composition writes them into a supergraph. Subgraphs import
 * `@cost` and `@listSize` from federation v2.9 (`@link(url: ".../federation/v2.9", import:
 * ["@cost", "@listSize"])`); the supergraph links the cost spec instead, with the subgraphs'
 * names: `@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])` and `@cost`
 * (the spec's own directive goes by the link's name, `cost` unless `as:` says), or, when the
 * subgraphs renamed them, `import: [{ name: "@cost", as: "@weight" }, ...]`. Composition keeps
 * the highest weight a coordinate has in any subgraph. A supergraph without the link (written by
 * hand) is read with the directives' own names.
 */
import { type ConstDirectiveNode, type ConstValueNode, type DocumentNode, Kind } from 'graphql';

/** What `@listSize` says of one field. */
export interface ListSize {
  readonly assumedSize: number | undefined;
  readonly slicingArguments: readonly string[];
  readonly sizedFields: readonly string[];
  readonly requireOneSlicingArgument: boolean;
}

/** The `@cost` and `@listSize` of one schema coordinate. */
export interface CostDeclaration {
  weight?: number;
  listSize?: ListSize;
}

const COST_SPEC = /^https:\/\/specs\.apollo\.dev\/cost\/(v\d+\.\d+)$/;
const VERSIONS = ['v0.1'];

/**
 * Every `@cost` and `@listSize` of the supergraph by coordinate: `Type`, `Type.field`,
 * `Type.field(argument:)`, `Input.field`, `Enum`, `Scalar`. `problems` names what cannot be read.
 */
export function readSdlCosts(document: DocumentNode, problems: string[]): Map<string, CostDeclaration> {
  const names = directiveNames(document, problems);
  const declarations = new Map<string, CostDeclaration>();
  const read = (coordinate: string, directives: readonly ConstDirectiveNode[] | undefined) => {
    for (const directive of directives ?? []) {
      const name = directive.name.value;
      if (name !== names.cost && name !== names.listSize) continue;
      const declaration = declarations.get(coordinate) ?? {};
      declarations.set(coordinate, declaration);
      if (name === names.cost) {
        const weight = intArgument(directive, 'weight');
        // A negative weight would let a client lower its cost by repeating a field under aliases.
        if (weight === undefined || weight < 0)
          problems.push(`${coordinate}: @${name}(weight:) must be an Int of 0 or more`);
        else declaration.weight = Math.max(weight, declaration.weight ?? weight);
      } else {
        declaration.listSize = listSizeOf(directive);
        // (A negative assumedSize is refused by composition already.)
      }
    }
  };
  for (const definition of document.definitions) {
    if (!('name' in definition) || definition.name === undefined || !('directives' in definition)) continue;
    const type = definition.name.value;
    read(type, definition.directives as readonly ConstDirectiveNode[] | undefined);
    if (!('fields' in definition) || definition.fields === undefined) continue;
    for (const field of definition.fields) {
      const coordinate = `${type}.${field.name.value}`;
      read(coordinate, field.directives);
      if (!('arguments' in field)) continue;
      for (const argument of field.arguments ?? []) {
        read(`${coordinate}(${argument.name.value}:)`, argument.directives);
      }
    }
  }
  return declarations;
}

/** The local names of `@cost` and `@listSize` in the supergraph. */
function directiveNames(document: DocumentNode, problems: string[]): { cost: string; listSize: string } {
  const names = { cost: 'cost', listSize: 'listSize' };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = stringValue(argument(link, 'url'));
      const match = url === undefined ? null : COST_SPEC.exec(url);
      if (match === null) continue;
      if (!VERSIONS.includes(match[1]!)) {
        problems.push(
          `the supergraph links ${url}; the gateway reads cost ${VERSIONS.join(', ')}: link that version in the subgraphs (federation v2.9)`,
        );
      }
      const namespace = stringValue(argument(link, 'as')) ?? 'cost';
      names.cost = namespace;
      names.listSize = `${namespace}__listSize`;
      const imports = argument(link, 'import');
      for (const item of imports?.kind === Kind.LIST ? imports.values : []) {
        const [name, as] =
          item.kind === Kind.STRING
            ? [item.value, item.value]
            : item.kind === Kind.OBJECT
              ? [
                  stringValue(field(item, 'name')),
                  stringValue(field(item, 'as')) ?? stringValue(field(item, 'name')),
                ]
              : [undefined, undefined];
        if (name === '@cost' && as !== undefined) names.cost = as.replace(/^@/, '');
        if (name === '@listSize' && as !== undefined) names.listSize = as.replace(/^@/, '');
      }
    }
  }
  return names;
}

function listSizeOf(directive: ConstDirectiveNode): ListSize {
  const required = argument(directive, 'requireOneSlicingArgument');
  return {
    assumedSize: intArgument(directive, 'assumedSize'),
    slicingArguments: stringList(argument(directive, 'slicingArguments')),
    sizedFields: stringList(argument(directive, 'sizedFields')),
    requireOneSlicingArgument: required?.kind === Kind.BOOLEAN ? required.value : true,
  };
}

function argument(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

function field(value: ConstValueNode & { kind: Kind.OBJECT }, name: string): ConstValueNode | undefined {
  return value.fields.find((f) => f.name.value === name)?.value;
}

function stringValue(value: ConstValueNode | undefined): string | undefined {
  return value?.kind === Kind.STRING ? value.value : undefined;
}

function intArgument(directive: ConstDirectiveNode, name: string): number | undefined {
  const value = argument(directive, name);
  return value?.kind === Kind.INT ? Number.parseInt(value.value, 10) : undefined;
}

function stringList(value: ConstValueNode | undefined): string[] {
  if (value === undefined) return [];
  const items = value.kind === Kind.LIST ? value.values : [value];
  return items.flatMap((item) => (item.kind === Kind.STRING ? [item.value] : []));
}
