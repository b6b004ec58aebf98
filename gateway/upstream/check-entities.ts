/**
 * A subgraph must answer `_entities` (each of them, in a batched entity fetch) with one entry per
 * representation, in order. One that
 * answers fewer (or more) would leave the planner to read `null` (or the wrong entity) at some
 * positions with no error. This step compares the count asked with the count answered and adds a
 * SUBGRAPH_BAD_RESPONSE at `['_entities', i]` for each position it cannot answer: the missing
 * ones when there are too few; all of them when there are too many (no entry can then be matched
 * to its representation). A position where the subgraph already reported an error keeps that
 * error alone. The planner maps those paths to the client's.
 */
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { type DocumentNode, type FieldNode, getOperationAST, Kind } from 'graphql';
import { gatewayError } from '../../core/errors.ts';
import type { ExecutorWrapper } from '../../core/subgraph-call.ts';

export function checkEntityCount(serviceName: string): ExecutorWrapper {
  return (next) =>
    async function checkEntityCountExecutor(request) {
      const asked = entitiesAsked(request);
      const result = await next(request);
      if (asked.length === 0) return result;
      let checkedResult = result;
      for (const field of asked) checkedResult = checked(checkedResult, field, serviceName);
      return checkedResult;
    };
}

interface Asked {
  /** The response key of the `_entities` field (its alias, if any). */
  key: string;
  count: number;
}

/** Where an `_entities` field takes its representations: a variable or a literal list. */
type EntitiesField = { key: string; variable: string } | { key: string; count: number };

// Planner documents are reused across requests: each is read once per operation name. Keyed weakly.
const fields = new WeakMap<DocumentNode, Map<string | undefined, readonly EntitiesField[]>>();

/** Every `_entities` field of the request: one, or one per alias in a batched entity fetch (`_e0`, `_e1`...). */
function entitiesFields(request: ExecutionRequest): readonly EntitiesField[] {
  let byName = fields.get(request.document);
  if (byName === undefined) {
    byName = new Map();
    fields.set(request.document, byName);
  }
  const cached = byName.get(request.operationName);
  if (cached !== undefined) return cached;
  const operation = getOperationAST(request.document, request.operationName);
  const found: EntitiesField[] = [];
  for (const selection of operation?.selectionSet.selections ?? []) {
    if (selection.kind !== Kind.FIELD || selection.name.value !== '_entities') continue;
    const argument = (selection as FieldNode).arguments?.find(
      (a) => a.name.value === 'representations',
    )?.value;
    const key = selection.alias?.value ?? '_entities';
    if (argument?.kind === Kind.VARIABLE) found.push({ key, variable: argument.name.value });
    else if (argument?.kind === Kind.LIST) found.push({ key, count: argument.values.length });
  }
  byName.set(request.operationName, found);
  return found;
}

/** The `_entities` fields of the request and how many representations each sends. */
function entitiesAsked(request: ExecutionRequest): Asked[] {
  const asked: Asked[] = [];
  for (const field of entitiesFields(request)) {
    if ('count' in field) {
      asked.push(field);
      continue;
    }
    const representations = request.variables?.[field.variable];
    if (Array.isArray(representations)) asked.push({ key: field.key, count: representations.length });
  }
  return asked;
}

function checked(result: ExecutionResult, asked: Asked, serviceName: string): ExecutionResult {
  const data = result.data as Record<string, unknown> | null | undefined;
  const entities = data?.[asked.key];
  if (!Array.isArray(entities) || entities.length === asked.count) return result;
  const errors = [...(result.errors ?? [])];
  const message = `${serviceName} answered ${entities.length} entities for ${asked.count} representations`;
  // Missing entries: an error at each position not answered. Extra entries: no entry can be
  // matched to its representation, so every position is an error and the answer is dropped.
  const short = entities.length < asked.count;
  const first = short ? entities.length : 0;
  const reported = new Set(
    errors.filter((e) => e.path?.[0] === asked.key && typeof e.path[1] === 'number').map((e) => e.path?.[1]),
  );
  for (let i = first; i < asked.count; i++) {
    if (reported.has(i)) continue;
    errors.push(gatewayError('SUBGRAPH_BAD_RESPONSE', message, { serviceName, path: [asked.key, i] }));
  }
  const kept = short ? entities : entities.slice(0, asked.count).map(() => null);
  return { ...result, data: { ...data, [asked.key]: kept }, errors };
}
