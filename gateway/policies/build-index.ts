/**
 * The policy index of one schema, built once when it is put in service: `Type.field` of every
 * object type → what selecting that field requires. Read from the supergraph SDL (where
 * composition keeps the applied `@authenticated`, `@requiresScopes` and `@policy`, which the
 * public schema no longer declares) and from each subgraph's `policies` in the config.
 *
 * Selecting `T.f` requires: the field's own requirements, those of its return type, and those of
 * `T` (a type's requirement applies to every field returning it, and its objects show nothing but
 * `__typename`). Composition puts none on interfaces (their fields' requirements are derived from
 * the implementations'): each object is judged on its own, so a requirement on one implementation
 * takes the field from objects of that type only. A config requirement on an interface, or on
 * one of its fields, applies to every implementation.
 *
 * Anything the gateway could not enforce is a problem, never skipped: a security feature of an
 * unknown version, a directive where none is enforced, an argument of the wrong shape, an unknown
 * policy name, a config coordinate that is not in the schema or not the subgraph's.
 */
import {
  type ConstDirectiveNode,
  type ConstValueNode,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
} from 'graphql';
import { resolveCoordinate, supergraphCoordinates } from '../../schema/supergraph-coordinates.ts';
import type { FieldRequirementConfig, SubgraphPoliciesConfig } from '../config/policies-schema.ts';
import { policyNames, type Requirement } from './requirements.ts';

export interface PolicyIndex {
  /** `Type.field` of object types → every requirement of selecting it; absent when none. */
  readonly fields: ReadonlyMap<string, readonly Requirement[]>;
}

export interface IndexInput {
  supergraphSdl: string;
  /** The public schema (what operations are validated against). */
  schema: GraphQLSchema;
  /** Each subgraph's `policies` from the config, by subgraph name. */
  subgraphPolicies: ReadonlyMap<string, SubgraphPoliciesConfig>;
  /** The names `policies.named` defines. */
  policyNames: ReadonlySet<string>;
}

type Kinds = 'authenticated' | 'scopes' | 'policy';
const SPECS: Record<string, { kind: Kinds; versions: readonly string[] }> = {
  authenticated: { kind: 'authenticated', versions: ['v0.1'] },
  requiresScopes: { kind: 'scopes', versions: ['v0.1'] },
  policy: { kind: 'policy', versions: ['v0.1'] },
};
/** Security features the gateway enforces elsewhere (`@inaccessible`: the public schema). */
const ENFORCED_ELSEWHERE: Record<string, readonly string[]> = { inaccessible: ['v0.1', 'v0.2'] };
const SPEC_URL = /^https:\/\/specs\.apollo\.dev\/([A-Za-z_]+)\/(v\d+\.\d+)$/;
const REQUIREMENT_LOCATIONS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_EXTENSION,
  Kind.SCALAR_TYPE_DEFINITION,
  Kind.SCALAR_TYPE_EXTENSION,
  Kind.ENUM_TYPE_DEFINITION,
  Kind.ENUM_TYPE_EXTENSION,
]);

/** Builds the index; `problems` lists what cannot be enforced (the index is then not to be used). */
export function buildPolicyIndex(input: IndexInput): { index: PolicyIndex; problems: string[] } {
  const problems: string[] = [];
  const document = parse(input.supergraphSdl, { noLocation: true });
  const directiveKinds = securityDirectives(document, problems);
  const own = new Map<string, Requirement[]>();
  // Interface coordinates that carry requirements: checked against their implementations below.
  const onInterfaces: Array<{ type: string; field: string | undefined }> = [];
  const add = (coordinate: string, requirements: readonly Requirement[]) => {
    if (requirements.length === 0) return;
    const list = own.get(coordinate) ?? [];
    list.push(...requirements);
    own.set(coordinate, list);
  };

  for (const definition of document.definitions) {
    if (!('name' in definition) || definition.name === undefined || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    const read = (where: string, directives: readonly ConstDirectiveNode[] | undefined) =>
      readDirectives(where, directives, directiveKinds, problems);
    const typeLevel = read(typeName, definition.directives as readonly ConstDirectiveNode[] | undefined);
    if (typeLevel.length > 0 && !REQUIREMENT_LOCATIONS.has(definition.kind)) {
      problems.push(
        `${typeName}: field policies are enforced on fields, objects, interfaces, scalars and enums only; remove the directive from this ${definitionKind(definition)}`,
      );
    }
    // Interfaces carry the union of their implementations' requirements (composition derives it):
    // each object is judged by its own.
    const isInterface =
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_EXTENSION;
    if (!isInterface) add(typeName, typeLevel);
    else if (typeLevel.length > 0) onInterfaces.push({ type: typeName, field: undefined });
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION || definition.kind === Kind.ENUM_TYPE_EXTENSION) {
      for (const value of definition.values ?? []) {
        if (read(`${typeName}.${value.name.value}`, value.directives).length > 0) {
          problems.push(
            `${typeName}.${value.name.value}: field policies are not enforced on enum values; put the directive on the enum or on the fields`,
          );
        }
      }
    }
    if (!('fields' in definition) || definition.fields === undefined) continue;
    for (const field of definition.fields) {
      const coordinate = `${typeName}.${field.name.value}`;
      const requirements = read(coordinate, field.directives);
      if (requirements.length > 0 && field.kind === Kind.INPUT_VALUE_DEFINITION) {
        problems.push(`${coordinate}: field policies are not enforced on input fields; remove the directive`);
      }
      if (!isInterface) add(coordinate, requirements);
      else if (requirements.length > 0) onInterfaces.push({ type: typeName, field: field.name.value });
      if ('arguments' in field) {
        for (const argument of field.arguments ?? []) {
          if (read(`${coordinate}(${argument.name.value}:)`, argument.directives).length > 0) {
            problems.push(
              `${coordinate}(${argument.name.value}:): field policies are not enforced on arguments; remove the directive`,
            );
          }
        }
      }
    }
  }

  addConfigPolicies(document, input, add, problems);
  checkInterfaces(input.schema, onInterfaces, own, problems);

  const fields = new Map<string, readonly Requirement[]>();
  for (const type of Object.values(input.schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const onType = own.get(type.name) ?? [];
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const requirements = [
        ...(own.get(coordinate) ?? []),
        ...(own.get(getNamedType(field.type).name) ?? []),
        ...onType,
      ];
      if (requirements.length > 0) fields.set(coordinate, requirements);
    }
  }
  for (const [coordinate, requirements] of fields) {
    for (const name of new Set(policyNames(requirements))) {
      if (!input.policyNames.has(name)) {
        problems.push(
          `${coordinate}: @policy names "${name}", which policies.named does not define; define it (a claim rule or, in a TypeScript config, a function)`,
        );
      }
    }
  }
  return { index: { fields }, problems: [...new Set(problems)] };
}

/** The local names of the security directives the supergraph links, by the kind they enforce. */
function securityDirectives(document: DocumentNode, problems: string[]): Map<string, Kinds> {
  // Without `@link`s (a hand-written supergraph), the directives go by their own names.
  const kinds = new Map<string, Kinds>(Object.entries(SPECS).map(([name, spec]) => [name, spec.kind]));
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = stringArgument(link, 'url');
      const match = url === undefined ? null : SPEC_URL.exec(url);
      const purpose = link.arguments?.find((a) => a.name.value === 'for')?.value;
      const security = purpose?.kind === Kind.ENUM && purpose.value === 'SECURITY';
      const spec = match ? SPECS[match[1]!] : undefined;
      if (spec === undefined) {
        if (security && !(match && ENFORCED_ELSEWHERE[match[1]!]?.includes(match[2]!))) {
          problems.push(
            `the supergraph links ${url ?? 'a feature'} for SECURITY, which the gateway cannot enforce; remove its directives from the subgraphs or use a gateway that enforces it`,
          );
        }
        continue;
      }
      if (!spec.versions.includes(match![2]!)) {
        problems.push(
          `the supergraph links ${url} (version ${match![2]}); the gateway enforces ${match![1]} ${spec.versions.join(', ')}: link that version in the subgraphs`,
        );
      }
      const as = stringArgument(link, 'as');
      if (as !== undefined) {
        kinds.delete(match![1]!);
        kinds.set(as, spec.kind);
      }
    }
  }
  return kinds;
}

function readDirectives(
  where: string,
  directives: readonly ConstDirectiveNode[] | undefined,
  kinds: ReadonlyMap<string, Kinds>,
  problems: string[],
): Requirement[] {
  const requirements: Requirement[] = [];
  for (const directive of directives ?? []) {
    let name = directive.name.value;
    let args = directive.arguments ?? [];
    // A directive composition passes through as `@join__directive(name:, args:)`.
    if (name === 'join__directive') {
      name = stringArgument(directive, 'name') ?? '';
      const value = directive.arguments?.find((a) => a.name.value === 'args')?.value;
      args =
        value?.kind === Kind.OBJECT
          ? value.fields.map((f) => ({ kind: Kind.ARGUMENT, name: f.name, value: f.value }))
          : [];
    }
    const kind = kinds.get(name);
    if (kind === undefined) continue;
    if (kind === 'authenticated') {
      requirements.push({ kind: 'authenticated' });
      continue;
    }
    const argument = kind === 'scopes' ? 'scopes' : 'policies';
    const anyOf = listOfLists(args.find((a) => a.name.value === argument)?.value);
    if (anyOf === undefined) {
      problems.push(
        `${where}: @${name}(${argument}:) must be a non-empty list of non-empty lists of strings, e.g. [["read:email"]]; fix it in the subgraph`,
      );
      continue;
    }
    requirements.push({ kind, anyOf });
  }
  return requirements;
}

/** `[["a", "b"], ["c"]]`; a flat list coerces as GraphQL input coercion does (`["a"]` → `[["a"]]`). */
function listOfLists(value: ConstValueNode | undefined): string[][] | undefined {
  if (value === undefined) return undefined;
  const outer = value.kind === Kind.LIST ? value.values : [value];
  const lists: string[][] = [];
  for (const item of outer) {
    const inner = item.kind === Kind.LIST ? item.values : [item];
    if (inner.length === 0 || inner.some((v) => v.kind !== Kind.STRING)) return undefined;
    lists.push(inner.map((v) => (v as { value: string }).value));
  }
  return lists.length > 0 ? lists : undefined;
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

function definitionKind(definition: DefinitionNode): string {
  return definition.kind.replace(/(TypeDefinition|TypeExtension|Definition)$/, '').toLowerCase();
}

export function configRequirements(config: FieldRequirementConfig): Requirement[] {
  const requirements: Requirement[] = [];
  if (config.authenticated) requirements.push({ kind: 'authenticated' });
  if (config.requiresScopes) requirements.push({ kind: 'scopes', anyOf: config.requiresScopes });
  if (config.policy) requirements.push({ kind: 'policy', anyOf: config.policy });
  return requirements;
}

/**
 * The config's requirements, each checked against the supergraph: its coordinate must exist and
 * be served by the subgraph that declares it (schema/supergraph-coordinates.ts). A subgraph not
 * in this supergraph (not loaded yet) serves none of its fields: its policies wait until it is.
 */
function addConfigPolicies(
  document: DocumentNode,
  input: IndexInput,
  add: (coordinate: string, requirements: readonly Requirement[]) => void,
  problems: string[],
): void {
  const coordinates = supergraphCoordinates(document, input.schema);
  for (const [subgraph, policies] of input.subgraphPolicies) {
    if (!coordinates.graphs.has(subgraph)) continue;
    for (const [coordinate, config] of Object.entries(policies ?? {})) {
      const where = `subgraphs[${subgraph}].policies["${coordinate}"]`;
      const resolved = resolveCoordinate(coordinates, subgraph, coordinate);
      if (!resolved.ok) {
        problems.push(`${where}: ${resolved.problem}`);
        continue;
      }
      if (resolved.kind === 'inputField' || resolved.kind === 'argument') {
        problems.push(
          `${where}: ${coordinate} is an ${resolved.kind === 'argument' ? 'argument' : 'input field'}; field policies are enforced on types and output fields (Type.field or Type)`,
        );
        continue;
      }
      const requirements = configRequirements(config);
      const type = input.schema.getType(resolved.type);
      // On an interface: each implementation too, so its fields are protected wherever its
      // objects are reached (`me { id }` as well as `node { id }`), as for an object type.
      const objects = isInterfaceType(type) ? input.schema.getPossibleTypes(type) : [];
      if (resolved.kind === 'type') {
        add(resolved.type, requirements);
        for (const object of objects) add(object.name, requirements);
      } else if (isInterfaceType(type)) {
        for (const object of objects) add(`${object.name}.${resolved.field}`, requirements);
      } else add(coordinate, requirements);
    }
  }
}

/**
 * Composition gives an interface the union of its implementations' requirements, and each object
 * is judged by its own. A requirement on an interface that no implementation carries (a
 * hand-written supergraph, an older composition) would then protect nothing: it is a problem,
 * never skipped.
 */
function checkInterfaces(
  schema: GraphQLSchema,
  onInterfaces: ReadonlyArray<{ type: string; field: string | undefined }>,
  own: ReadonlyMap<string, readonly Requirement[]>,
  problems: string[],
): void {
  for (const { type, field } of onInterfaces) {
    const definition = schema.getType(type);
    if (!isInterfaceType(definition)) continue;
    const implementations = schema.getPossibleTypes(definition);
    const covered = implementations.some(
      (object) => own.has(object.name) || (field !== undefined && own.has(`${object.name}.${field}`)),
    );
    if (!covered) {
      const where = field === undefined ? type : `${type}.${field}`;
      problems.push(
        `${where}: a field policy on an interface that none of its implementations carries is not enforced; put it on the implementations (${implementations.map((o) => o.name).join(', ') || 'none'})`,
      );
    }
  }
}
