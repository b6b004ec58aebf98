/**
 * Where an operation selects the fields a gate watches (a field's rate limit), found once per
 * document: each response path of a watched field, with the object types' coordinates it may be
 * resolved on, and each way the client selects it (the same key selected in several fragments is
 * one path, selected when one of its ways is): the `@include`/`@skip` on that way and the fields
 * with policies on it (a field under one refused for every type it may be resolved on never
 * runs, so it is not counted); and the list fields on its way (for estimates per list item). Fragments are walked where they are spread: the walk is as long as the
 * operation with its fragments expanded, which `limits.maxFields` bounds; past MAX_WALKED fields
 * (with that limit off) the walk stops and the operation is refused.
 */
import {
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  getOperationAST,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import type { ListOnTheWay } from '../../core/field-gate.ts';
import { withConditions } from './ast.ts';

/** Most fields the walk visits, fragments expanded; past it the operation is refused. */
export const MAX_WALKED = 100_000;

type Conditions = readonly (readonly DirectiveNode[])[];

/**
 * The policies on a field's way: per field selected on its way (its own included), the
 * coordinates of the object types it may be resolved on, when every one of them carries policies.
 * A group whose coordinates are all refused never runs, nor anything under it; one of them
 * allowed, the objects of that type may still run it.
 */
export type Guards = readonly (readonly string[])[];

/** One way the client selects a response path: it runs when its conditions hold and no guard group is refused. */
export interface Way {
  conditions: Conditions;
  guards: Guards;
}

/** One response path of a watched field. */
export interface Occurrence {
  /** The response keys from the root, `/`-separated. */
  path: string;
  /** The watched coordinates (`Type.field` of object types) the objects at this path may resolve. */
  coordinates: string[];
  /** Each way the client selects it (fragments selecting the same key are one path). */
  ways: Way[];
  lists: readonly ListOnTheWay[];
}

export class WalkTooLong extends Error {}

/**
 * The occurrences of `watched` coordinates in the operation, in document order; `guarded` says
 * which coordinates carry policies. Throws WalkTooLong past MAX_WALKED fields.
 */
export function gatedOccurrences(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  watched: ReadonlySet<string>,
  guarded: (coordinate: string) => boolean,
): Occurrence[] {
  const operation = getOperationAST(document, operationName);
  const root = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !root) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const found = new Map<string, Occurrence>();
  let walked = 0;
  const possibleTypes = (type: GraphQLCompositeType): readonly GraphQLObjectType[] =>
    isAbstractType(type) ? schema.getPossibleTypes(type) : [type];

  const walk = (
    set: SelectionSetNode,
    parent: GraphQLCompositeType,
    possible: readonly GraphQLObjectType[],
    path: string,
    conditions: Conditions,
    guards: Guards,
    lists: readonly ListOnTheWay[],
  ): void => {
    for (const selection of set.selections) {
      if (selection.kind !== Kind.FIELD) {
        const fragment =
          selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        // An unknown fragment fails validation before this stage.
        if (fragment === undefined) continue;
        const type = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
        if (type === undefined || !isCompositeType(type)) continue;
        const within = new Set(possibleTypes(type));
        const inner = withConditions(conditions, selection.directives);
        walk(
          fragment.selectionSet,
          type,
          possible.filter((t) => within.has(t)),
          path,
          inner,
          guards,
          lists,
        );
        continue;
      }
      if (++walked > MAX_WALKED) throw new WalkTooLong();
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      const definition =
        isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
      if (definition === undefined) continue;
      const key = `${path}/${selection.alias?.value ?? name}`;
      const ways = withConditions(conditions, selection.directives);
      const coordinates = possible
        .filter((t) => t.getFields()[name] !== undefined)
        .map((t) => `${t.name}.${name}`);
      // A group only when every type's coordinate has policies: else some objects always run it.
      const inner = coordinates.length > 0 && coordinates.every(guarded) ? [...guards, coordinates] : guards;
      const limited = coordinates.filter((c) => watched.has(c));
      if (limited.length > 0) {
        const known = found.get(key);
        const way = { conditions: ways, guards: inner };
        if (known === undefined) found.set(key, { path: key, coordinates: limited, ways: [way], lists });
        else {
          known.ways.push(way);
          for (const c of limited) if (!known.coordinates.includes(c)) known.coordinates.push(c);
        }
      }
      const named = getNamedType(definition.type);
      if (selection.selectionSet === undefined || !isCompositeType(named)) continue;
      const below = isListType(getNullableType(definition.type))
        ? [...lists, { parent: parent.name, field: selection }]
        : lists;
      walk(selection.selectionSet, named, possibleTypes(named), key, ways, inner, below);
    }
  };
  walk(operation.selectionSet, root, [root], '', [], [], []);
  return [...found.values()];
}
