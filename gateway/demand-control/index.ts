/**
 * Demand control (stages: schema, operation, response). The static cost of each operation from
 * `@cost` and `@listSize` (federation v2.9 subgraphs' SDL through composition, or the config's
 * `subgraphs[].cost` for REST and plain GraphQL backends), with Apollo's defaults for fields that
 * carry none (calculate.ts). docs/rate-limits.md.
 *
 * - `prepare`, given to the supergraph: builds the cost index of each new schema
 *   (build-index.ts); a config cost whose coordinate is not in the schema keeps it out of service
 *   (CONFIG_INVALID; at startup the gateway does not start).
 * - the plugin, before planning (`onExecute` / `onSubscribe`): records the operation's cost for
 *   later rooms (`operationCostOf(request)`, core/operation-cost.ts: rate limits spend it), and
 *   in `enforce` mode refuses an operation over `maxCost` with COST_LIMIT_EXCEEDED.
 * - the plugin, on the result: `extensions.cost: { estimated, max }` when `exposeCost` says.
 *
 * The cost is computed only when something needs it, once per operation; per document (and
 * operation name) it is kept while it does not depend on the variables' values.
 */
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLSchema,
  valueFromASTUntyped,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { gatewayError } from '../../core/errors.ts';
import { requestOf } from '../../core/identity.ts';
import { type ListSizeEstimate, setOperationCost } from '../../core/operation-cost.ts';
import type { Logger } from '../logger/index.ts';
import { type PrepareSchema, prepareFromConfig } from '../supergraph/index.ts';
import { buildCostIndex, type CostIndex } from './build-index.ts';
import { estimateCost } from './calculate.ts';
import { type DemandControlOptions, normalizeOptions } from './config.ts';
import { listItems } from './list-size.ts';

/** For rooms after this one (rate limits): the operation's cost, read from the core leaf. */
export { operationCostOf } from '../../core/operation-cost.ts';
export type { DemandControlOptions } from './config.ts';

export interface DemandControl {
  /** Builds the cost index of a new schema; throws CONFIG_INVALID when a config cost is wrong. */
  prepare: PrepareSchema;
  /** The operation stage (before planning) and the response's `extensions.cost`. */
  plugin: Plugin;
  /**
   * After the first round of loading: throws the CONFIG_INVALID that kept the first schema out of
   * service, if that is why none is in service.
   */
  checkStarted(hasSchema: boolean): void;
  /** The items a list field is estimated to return, from the index of the schema in service. */
  listSize: ListSizeEstimate;
}

interface Prepared {
  index: CostIndex;
  /** Costs that do not depend on the variables, per document and operation name. */
  costs: WeakMap<DocumentNode, Map<string, number>>;
}

export function createDemandControl(options: DemandControlOptions & { logger: Logger }): DemandControl {
  const { logger } = options;
  const resolved = normalizeOptions(options);
  const schemas = new WeakMap<GraphQLSchema, Prepared>();
  const perSchema = prepareFromConfig(
    'the demand-control costs of this schema cannot be read; it is not put in service',
    (served) =>
      buildCostIndex({
        supergraphSdl: served.supergraphSdl,
        schema: served.schema,
        subgraphCosts: resolved.subgraphs,
      }),
    (served, index) => schemas.set(served.schema, { index, costs: new WeakMap() }),
  );

  const costOf = (entry: Prepared, args: ExecutionArgs): number => {
    const name = args.operationName ?? '';
    const known = entry.costs.get(args.document)?.get(name);
    if (known !== undefined) return known;
    const { cost, readsVariables } = estimateCost({
      schema: args.schema,
      index: entry.index,
      document: args.document,
      operationName: args.operationName,
      variables: args.variableValues as Record<string, unknown> | undefined,
      defaultListSize: resolved.defaultListSize,
    });
    if (!readsVariables) {
      const byName = entry.costs.get(args.document) ?? new Map<string, number>();
      entry.costs.set(args.document, byName);
      byName.set(name, cost);
    }
    return cost;
  };

  /**
   * Records the operation's cost and refuses it when over `maxCost` (enforce mode). Returns the
   * cost to show in the response, or undefined when none is shown.
   */
  const admit = (args: ExecutionArgs, stop: (result: ExecutionResult) => void): number | undefined => {
    const entry = schemas.get(args.schema);
    // Every schema in service passed `prepare`; one that did not is not ours to measure.
    if (entry === undefined) return undefined;
    const exposed = exposes(resolved.exposeCost, args.contextValue);
    const request = requestOf(args.contextValue);
    if (!resolved.enforces && !exposed) {
      // Computed when a later room asks, on the operation as sent (field policies may replace
      // `args.document` after this room).
      const sent = { ...args };
      if (request !== undefined) setOperationCost(request, () => costOf(entry, sent));
      return undefined;
    }
    const cost = costOf(entry, args);
    if (request !== undefined) setOperationCost(request, cost);
    if (resolved.maxCost > 0 && cost > resolved.maxCost) {
      if (resolved.enforces) {
        const result: ExecutionResult = { errors: [costError(cost, resolved.maxCost)] };
        stop(exposed ? withCost(result, cost, resolved.maxCost) : result);
        return undefined;
      }
      logger.debug('an operation is over demandControl.maxCost (mode: measure, served)', {
        cost,
        maxCost: resolved.maxCost,
        operationName: args.operationName ?? undefined,
      });
    }
    return exposed ? cost : undefined;
  };

  return {
    ...perSchema,
    listSize(schema, parent, field, variables) {
      const cost = schemas.get(schema)?.index.fields.get(parent)?.get(field.name.value);
      if (cost === undefined) return resolved.defaultListSize;
      return listItems(cost, field, (node) => valueFromASTUntyped(node, variables), resolved.defaultListSize);
    },
    plugin: {
      onExecute({ args, setResultAndStopExecution }) {
        const cost = admit(args, setResultAndStopExecution);
        if (cost === undefined) return undefined;
        const max = resolved.maxCost;
        return {
          onExecuteDone({ result, setResult }) {
            if (!isAsyncIterable(result)) {
              setResult(withCost(result, cost, max));
              return undefined;
            }
            // With @defer, the initial payload carries it.
            let first = true;
            return {
              onNext({ result: payload, setResult: setPayload }) {
                if (!first) return;
                first = false;
                setPayload(withCost(payload as ExecutionResult, cost, max));
              },
            };
          },
        };
      },
      onSubscribe({ args, setResultAndStopExecution }) {
        admit(args, setResultAndStopExecution);
      },
    },
  };
}

/** COST_LIMIT_EXCEEDED with the computed cost and the maximum (HTTP 400 from the catalogue). */
function costError(cost: number, maxCost: number): GraphQLError {
  return gatewayError(
    'COST_LIMIT_EXCEEDED',
    `The operation's estimated cost ${cost} is over the maximum ${maxCost}`,
    { extensions: { cost, maxCost } },
  );
}

function withCost(result: ExecutionResult, estimated: number, max: number): ExecutionResult {
  return { ...result, extensions: { ...result.extensions, cost: { estimated, max: max > 0 ? max : null } } };
}

/** The request asks for its cost: `extensions: { "cost": true }` in its GraphQL parameters. */
function exposes(mode: 'never' | 'when-asked' | 'always', context: unknown): boolean {
  if (mode !== 'when-asked') return mode === 'always';
  const params = (context as { params?: { extensions?: Record<string, unknown> } } | undefined)?.params;
  return params?.extensions?.cost === true;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
