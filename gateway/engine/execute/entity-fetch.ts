/**
 * Entity fetches: a Flatten over a Fetch (one `_entities` field) and a BatchFetch (several, each
 * under an alias with its own representations variable and paths). For each `_entities` field:
 * the objects at its paths, their representations (deduplicated), and, once the subgraph has
 * answered, each answer merged into every object that produced its representation, each error at
 * each of those objects' paths.
 *
 * Errors: one at `[field, i, ...rest]` goes to each location of representation `i`, followed by
 * `rest`; one about a whole entity (at `[field, i]`, a failed fetch, a path-less error) goes to
 * each field the fetch asked of each entity it concerns (asked.ts), where the client sees the
 * nulls it explains. An entity answered null with no error is "not found": its fields are null
 * and nulls propagate, with no error of ours (as Apollo Router does).
 */
import type {
  BatchFetchNode,
  EntityBatchAlias,
  FetchNode,
  FlattenNode,
  RequiresSelection,
} from '@graphql-hive/router-query-planner';
import type { ExecutionResult } from '@graphql-tools/utils';
import type { GraphQLError } from 'graphql';
import { askedFields, entityFieldPaths } from './asked.ts';
import { collect, type FlattenPath, locate, type ResponsePath } from './collect.ts';
import { type DedupNode, indexAt, leafOf, setIndexAt } from './dedup.ts';
import { asGraphQLError, missingEntity, type ReturnedError, relocated } from './errors.ts';
import { isObject, mergeInto, type TreeObject } from './merge.ts';
import { representationKey, representationOf } from './representations.ts';
import { type PreparedFetch, prepareFetch, send } from './request.ts';
import { applyRewrites, compileRewrites, type Rewrite } from './rewrites.ts';
import type { RunState } from './state.ts';

/** One `_entities` field of an entity fetch, read once per plan node. */
interface EntityField {
  /** Its response key: `_entities`, or the batch alias (`_e0`). */
  responseKey: string;
  variable: string;
  paths: readonly FlattenPath[];
  requires: readonly RequiresSelection[];
  inputRewrites: readonly Rewrite[];
  outputRewrites: readonly Rewrite[];
}

/** One entity field in one execution: the objects found, and the representation of each. */
interface FieldRun {
  field: EntityField;
  objects: TreeObject[];
  /** Per object, the index of its representation, or -1 when it does not qualify. */
  representationOf: number[];
  representations: TreeObject[];
}

const fields = new WeakMap<FlattenNode | BatchFetchNode, readonly EntityField[]>();

/** Runs a Flatten whose node is a Fetch with `requires`. */
export function runFlatten(state: RunState, node: FlattenNode, fetchNode: FetchNode): Promise<void> {
  let list = fields.get(node);
  if (list === undefined) {
    list = [
      {
        responseKey: '_entities',
        variable: 'representations',
        paths: [node.path],
        requires: fetchNode.requires ?? [],
        inputRewrites: compileRewrites(fetchNode.inputRewrites),
        outputRewrites: compileRewrites(fetchNode.outputRewrites),
      },
    ];
    fields.set(node, list);
  }
  return runEntityFetch(state, prepareFetch(fetchNode), list);
}

/** Runs a BatchFetch: one request for all its aliases. */
export function runBatchFetch(state: RunState, node: BatchFetchNode): Promise<void> {
  let list = fields.get(node);
  if (list === undefined) {
    list = node.entityBatch.aliases.map(batchField);
    fields.set(node, list);
  }
  return runEntityFetch(state, prepareFetch(node), list);
}

function batchField(alias: EntityBatchAlias): EntityField {
  return {
    responseKey: alias.alias,
    variable: alias.representationsVariableName,
    paths: alias.paths,
    requires: alias.requires,
    inputRewrites: compileRewrites(alias.inputRewrites),
    outputRewrites: compileRewrites(alias.outputRewrites),
  };
}

async function runEntityFetch(
  state: RunState,
  fetch: PreparedFetch,
  entityFields: readonly EntityField[],
): Promise<void> {
  const runs: FieldRun[] = [];
  const variables: Record<string, unknown> = {};
  let sent = 0;
  for (const field of entityFields) {
    const run = prepareField(state, field);
    runs.push(run);
    variables[field.variable] = run.representations;
    sent += run.representations.length;
  }
  if (sent === 0) return;
  const result = await send(state, fetch, variables);
  settle(state, fetch, runs, result);
}

/**
 * `requires` without the fragments a `skipIf`/`includeIf` variable turns off in this execution
 * (the same list when none has a condition).
 */
function activeRequires(
  requires: readonly RequiresSelection[],
  variables: Record<string, unknown>,
): readonly RequiresSelection[] {
  if (!requires.some((s) => s.kind === 'InlineFragment' && (s.skipIf || s.includeIf))) return requires;
  return requires.filter(
    (s) =>
      s.kind !== 'InlineFragment' ||
      ((!s.skipIf || variables[s.skipIf] !== true) && (!s.includeIf || variables[s.includeIf] === true)),
  );
}

function prepareField(state: RunState, entityField: EntityField): FieldRun {
  const requires = activeRequires(entityField.requires, state.variables);
  const field = requires === entityField.requires ? entityField : { ...entityField, requires };
  const objects: TreeObject[] = [];
  for (const path of field.paths) collect(state.tree, path, state.types, objects);
  const indexes: number[] = new Array(objects.length);
  const representations: TreeObject[] = [];
  if (field.inputRewrites.length > 0) {
    rewrittenRepresentations(state, field, objects, indexes, representations);
    return { field, objects, representationOf: indexes, representations };
  }
  // Without rewrites, equal representations are found from the entities: each is built once.
  const root: DedupNode = new Map();
  for (let i = 0; i < objects.length; i++) {
    const object = objects[i]!;
    const leaf = leafOf(root, object, field.requires, state.types);
    if (leaf === undefined) {
      indexes[i] = -1;
      continue;
    }
    let index = indexAt(leaf);
    if (index === undefined) {
      index = representations.length;
      setIndexAt(leaf, index);
      representations.push(representationOf(object, field.requires, state.types)!);
    }
    indexes[i] = index;
  }
  return { field, objects, representationOf: indexes, representations };
}

/** With input rewrites: each representation built, rewritten, then deduplicated by its text. */
function rewrittenRepresentations(
  state: RunState,
  field: EntityField,
  objects: readonly TreeObject[],
  indexes: number[],
  representations: TreeObject[],
): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < objects.length; i++) {
    const representation = representationOf(objects[i]!, field.requires, state.types);
    if (representation === undefined) {
      indexes[i] = -1;
      continue;
    }
    applyRewrites(representation, field.inputRewrites, state.types);
    const key = representationKey(representation);
    let index = seen.get(key);
    if (index === undefined) {
      index = representations.length;
      seen.set(key, index);
      representations.push(representation);
    }
    indexes[i] = index;
  }
}

/** Merges the answer of each entity field and records its errors at the client's paths. */
function settle(
  state: RunState,
  fetch: PreparedFetch,
  runs: readonly FieldRun[],
  result: ExecutionResult,
): void {
  const data = isObject(result.data) ? result.data : undefined;
  const errors = (result.errors ?? []) as readonly ReturnedError[];
  // Errors per field and representation index; the others concern the whole fetch.
  const indexed = new Map<FieldRun, Map<number, GraphQLError[]>>();
  const general: GraphQLError[] = [];
  for (const returned of errors) {
    const error = asGraphQLError(returned);
    const run = runs.find((r) => r.field.responseKey === error.path?.[0]);
    const index = error.path?.[1];
    if (run === undefined || typeof index !== 'number') {
      general.push(error);
      continue;
    }
    let byIndex = indexed.get(run);
    if (byIndex === undefined) {
      byIndex = new Map();
      indexed.set(run, byIndex);
    }
    const list = byIndex.get(index);
    if (list) list.push(error);
    else byIndex.set(index, [error]);
  }

  for (const run of runs) {
    if (run.representations.length === 0) continue;
    const answered = data?.[run.field.responseKey];
    const answers = Array.isArray(answered) ? answered : undefined;
    if (answers && run.field.outputRewrites.length > 0) {
      applyRewrites(answers, run.field.outputRewrites, state.types);
    }
    const own = indexed.get(run);
    const complete = own === undefined && general.length === 0 && answers?.every(isObject) === true;
    // Paths are found before merging: the merge may change what lies on them.
    const paths = complete ? undefined : locate(state.tree, run.field.paths, run.objects, state.types);
    if (paths !== undefined) recordErrors(state, fetch, run, paths, answers, own, general);
    for (let i = 0; i < run.objects.length; i++) {
      const index = run.representationOf[i]!;
      if (index < 0) continue;
      const answer = answers?.[index];
      if (isObject(answer)) mergeInto(run.objects[i]!, answer, state.types);
    }
  }
}

function recordErrors(
  state: RunState,
  fetch: PreparedFetch,
  run: FieldRun,
  paths: readonly ResponsePath[],
  answers: readonly unknown[] | undefined,
  own: Map<number, GraphQLError[]> | undefined,
  general: readonly GraphQLError[],
): void {
  const groups = askedFields(fetch.document, run.field.responseKey);
  for (let i = 0; i < run.objects.length; i++) {
    const index = run.representationOf[i]!;
    if (index < 0) continue;
    const path = paths[i]!;
    let fields: ResponsePath[] | undefined;
    // An error about the whole entity goes to each field asked of it (see asked.ts).
    const wholeEntity = () => {
      fields ??= entityFieldPaths(groups, path, run.objects[i]!.__typename, state.types);
      return fields;
    };
    const errors = own?.get(index);
    if (errors) {
      for (const error of errors) {
        const rest = error.path!.slice(2);
        if (rest.length > 0) state.errors.push(relocated(error, [...path, ...rest]));
        else for (const at of wholeEntity()) state.errors.push(relocated(error, at));
      }
    }
    for (const error of general) for (const at of wholeEntity()) state.errors.push(relocated(error, at));
    // No list at all, and nothing said: an answer that is not one. (A null entity in the list is
    // the subgraph's answer "no such entity": its fields are null, nulls propagate, no error.)
    if (!errors && general.length === 0 && answers === undefined) {
      for (const at of wholeEntity()) state.errors.push(missingEntity(fetch.serviceName, at));
    }
  }
  // An error at a position no representation was sent for has no location: kept without a path.
  for (const [index, errors] of own ?? []) {
    if (index < 0 || index >= run.representations.length) {
      for (const error of errors) state.errors.push(relocated(error, undefined));
    }
  }
}
