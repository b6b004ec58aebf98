/**
 * A subgraph must answer `_entities` with one entry per representation, in order. One that
 * answers fewer (or more) would leave the planner to read `null` (or the wrong entity) at some
 * positions with no error. This step compares the count asked with the count answered and adds a
 * SUBGRAPH_BAD_RESPONSE at `['_entities', i]` for each position that is missing or extra; the
 * planner maps those paths to the client's. Extra entries are dropped.
 */
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { type FieldNode, getOperationAST, Kind } from 'graphql';
import { gatewayError } from '../../core/errors.ts';
import type { ExecutorWrapper } from '../../core/subgraph-call.ts';

export function checkEntityCount(serviceName: string): ExecutorWrapper {
  return (next) =>
    async function checkEntityCountExecutor(request) {
      const asked = entitiesAsked(request);
      const result = await next(request);
      if (asked === undefined) return result;
      return checked(result, asked, serviceName);
    };
}

interface Asked {
  /** The response key of the `_entities` field (its alias, if any). */
  key: string;
  count: number;
}

/** The `_entities` field of the request and how many representations it sends, if any. */
function entitiesAsked(request: ExecutionRequest): Asked | undefined {
  const operation = getOperationAST(request.document, request.operationName);
  const field = operation?.selectionSet.selections.find(
    (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === '_entities',
  );
  const argument = field?.arguments?.find((a) => a.name.value === 'representations')?.value;
  if (field === undefined || argument === undefined) return undefined;
  let representations: unknown;
  if (argument.kind === Kind.VARIABLE) representations = request.variables?.[argument.name.value];
  else if (argument.kind === Kind.LIST) representations = argument.values;
  if (!Array.isArray(representations)) return undefined;
  return { key: field.alias?.value ?? '_entities', count: representations.length };
}

function checked(result: ExecutionResult, asked: Asked, serviceName: string): ExecutionResult {
  const data = result.data as Record<string, unknown> | null | undefined;
  const entities = data?.[asked.key];
  if (!Array.isArray(entities) || entities.length === asked.count) return result;
  const errors = [...(result.errors ?? [])];
  const [from, to] =
    entities.length < asked.count ? [entities.length, asked.count] : [asked.count, entities.length];
  for (let i = from; i < to; i++) {
    errors.push(
      gatewayError(
        'SUBGRAPH_BAD_RESPONSE',
        `${serviceName} answered ${entities.length} entities for ${asked.count} representations`,
        { serviceName, path: [asked.key, i] },
      ),
    );
  }
  return { ...result, data: { ...data, [asked.key]: entities.slice(0, asked.count) }, errors };
}
