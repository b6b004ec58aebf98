/**
 * `_entities` for a plain GraphQL service: representations grouped by type and turned into calls
 * to the declared lookup fields. A batch lookup gets every distinct key of its type in ONE call
 * (`usersByIds(ids: [...])`, answered in the same order); any other lookup gets one call per
 * distinct key, in parallel. Each call is a delegation, so aliases, fragments and nested selections
 * of the planner's request reach the service as written, and the service's errors come back at
 * the right representation.
 */
import { delegateToSchema, type Subschema } from '@graphql-tools/delegate';
import {
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLList,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type InlineFragmentNode,
  isObjectType,
  Kind,
  OperationTypeNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { LOOKUP_CONCURRENCY } from '../../core/defaults.ts';
import { gatewayError } from '../../core/errors.ts';
import { mapWithLimit } from '../map-limit.ts';
import { unlocatedValue } from './errors.ts';
import { pickKey } from './key.ts';
import type { ResolvedLookup } from './lookups.ts';

export interface EntitiesResolverOptions {
  serviceName: string;
  /** The remote service, reached through the pooled client (bare transport). */
  subschema: Subschema;
  lookups: readonly ResolvedLookup[];
}

/** One distinct key and the indexes of the representations that carry it. */
interface KeyEntry {
  key: unknown;
  indexes: number[];
}

type EntitiesResolver = (
  root: unknown,
  args: { representations: readonly unknown[] },
  context: unknown,
  info: GraphQLResolveInfo,
) => Promise<unknown[]>;

export function createEntitiesResolver(options: EntitiesResolverOptions): EntitiesResolver {
  const { serviceName, subschema } = options;
  const lookups = new Map(options.lookups.map((lookup) => [lookup.type, lookup]));

  /** Calls the lookup for one type's distinct keys; `settle` receives each key's entity or error. */
  async function resolveGroup(
    lookup: ResolvedLookup,
    entries: readonly KeyEntry[],
    context: unknown,
    info: GraphQLResolveInfo,
    settle: (entry: KeyEntry, value: unknown) => void,
  ): Promise<void> {
    const type = info.schema.getType(lookup.type);
    if (!isObjectType(type)) throw new Error(`${lookup.type} is not an object type of the subgraph`);
    const selectionSet = selectionSetFor(type, info);
    const delegate = (key: unknown, batch: boolean): Promise<unknown> =>
      Promise.resolve(
        delegateToSchema({
          schema: subschema,
          operation: OperationTypeNode.QUERY,
          fieldName: lookup.field,
          args: { [lookup.argument]: key },
          returnType: batch ? new GraphQLList(type) : type,
          selectionSet,
          fieldNodes: [],
          context: context as Record<string, unknown> | undefined,
          info,
        }),
      );
    if (!lookup.batch) {
      // One call per distinct key, a bounded number at a time; a failed call fails its entity only.
      const values = await mapWithLimit(entries, LOOKUP_CONCURRENCY, (entry) => delegate(entry.key, false));
      entries.forEach((entry, position) => {
        settle(entry, values[position]);
      });
      return;
    }
    const values = await delegate(
      entries.map((entry) => entry.key),
      true,
    );
    entries.forEach((entry, position) => {
      settle(entry, batchValue(values, position, entries.length, serviceName, lookup));
    });
  }

  return async function resolveEntities(_root, { representations }, context, info) {
    const results: unknown[] = representations.map(() => null);
    // Per type, per distinct key: the key value and the representations that asked for it.
    const groups = new Map<ResolvedLookup, Map<string, KeyEntry>>();
    representations.forEach((representation, index) => {
      const typename = isRecord(representation) ? representation.__typename : undefined;
      const lookup = typeof typename === 'string' ? lookups.get(typename) : undefined;
      const key = lookup && isRecord(representation) ? pickKey(representation, lookup.keyFields) : undefined;
      if (lookup === undefined || key === undefined) {
        results[index] = gatewayError('SUBGRAPH_ERROR', `${serviceName} cannot resolve this representation`, {
          serviceName,
          extensions: { typename: typeof typename === 'string' ? typename : null },
        });
        return;
      }
      const keys = groups.get(lookup) ?? new Map<string, KeyEntry>();
      groups.set(lookup, keys);
      const id = JSON.stringify(key);
      const entry = keys.get(id) ?? { key, indexes: [] };
      entry.indexes.push(index);
      keys.set(id, entry);
    });

    await Promise.all(
      [...groups].map(async ([lookup, keys]) => {
        const entries = [...keys.values()];
        try {
          await resolveGroup(lookup, entries, context, info, (entry, value) => {
            for (const index of entry.indexes) results[index] = value;
          });
        } catch (error) {
          // A failure of this code, not of the service: the entities of this type get it (it is
          // masked and logged as any unexpected error); other types still resolve.
          for (const entry of entries) for (const index of entry.indexes) results[index] = error;
        }
      }),
    );
    // Errors located by execution at `_entities.<index>`, not at the lookup's list position.
    return results.map(unlocatedValue);
  };
}

/** The entity at `position` of a batch answer, or the error that stands for it. */
function batchValue(
  values: unknown,
  position: number,
  expected: number,
  serviceName: string,
  lookup: ResolvedLookup,
): unknown {
  if (values instanceof Error) return values;
  if (!Array.isArray(values) || values.length !== expected) {
    const got = Array.isArray(values) ? values.length : 'no list';
    return gatewayError(
      'SUBGRAPH_BAD_RESPONSE',
      `${serviceName}: ${lookup.field} answered ${got} for ${expected} keys; a batch lookup must answer one entry per key, in order`,
      { serviceName },
    );
  }
  return values[position] ?? null;
}

/**
 * The part of the `_entities` selection that applies to `type`, as a selection on `type`:
 * `__typename`, inline fragments and fragment spreads on it (or on `_Entity`, inlined, since the
 * service has no such type). Fragments on other entity types are left out.
 */
function selectionSetFor(type: GraphQLObjectType, info: GraphQLResolveInfo): SelectionSetNode {
  const typename: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };
  const selections = info.fieldNodes.flatMap((node) =>
    node.selectionSet ? applicable(node.selectionSet.selections, type.name, info.fragments) : [],
  );
  return { kind: Kind.SELECTION_SET, selections: [typename, ...selections] };
}

function applicable(
  selections: readonly SelectionNode[],
  typeName: string,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): SelectionNode[] {
  return selections.flatMap((selection): SelectionNode[] => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition?.name.value;
      if (on === typeName) return [selection];
      if (on !== undefined && on !== '_Entity') return [];
      return inline(selection.directives, applicable(selection.selectionSet.selections, typeName, fragments));
    }
    const fragment = fragments[selection.name.value];
    const on = fragment?.typeCondition.name.value;
    if (fragment === undefined || (on !== typeName && on !== '_Entity')) return [];
    if (on === typeName) return [selection];
    return inline(selection.directives, applicable(fragment.selectionSet.selections, typeName, fragments));
  });
}

/** An inline fragment without type condition, or nothing when no selection is left. */
function inline(
  directives: InlineFragmentNode['directives'],
  selections: readonly SelectionNode[],
): SelectionNode[] {
  if (selections.length === 0) return [];
  return [{ kind: Kind.INLINE_FRAGMENT, directives, selectionSet: { kind: Kind.SELECTION_SET, selections } }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
