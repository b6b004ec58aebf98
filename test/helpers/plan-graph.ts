/**
 * A federation graph in process for the plan executor's tests: real subgraph schemas (built by
 * `@apollo/subgraph`), composed into a supergraph, planned by the real Hive planner, and a
 * `fetch` that executes each subgraph request with graphql-js, recording every call.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { QueryPlan } from '@graphql-hive/router-query-planner';
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { composeServices } from '@theguild/federation-composition';
import { buildSchema, execute, type GraphQLSchema, parse } from 'graphql';
import type { ExecutedTree, PlanFetch } from '../../gateway/engine/contract.ts';
import { executePlan } from '../../gateway/engine/execute/index.ts';
import { loadQueryPlanner } from '../../gateway/engine/planner.ts';

/** Resolvers as `@apollo/subgraph` takes them. */
type Resolvers = NonNullable<
  Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']
>;

export interface SubgraphDefinition {
  typeDefs: string;
  resolvers?: Resolvers;
}

/** One recorded subgraph call. */
export interface RecordedCall {
  serviceName: string;
  request: ExecutionRequest;
}

/** Answers a call instead of the subgraph when it returns a result (fault injection). */
export type Intercept = (call: RecordedCall) => ExecutionResult | undefined;

export interface PlanGraph {
  /** The client-facing schema (the planner's consumer schema). */
  schema: GraphQLSchema;
  calls: RecordedCall[];
  fetch: PlanFetch;
  intercept: Intercept | undefined;
  plan(query: string, operationName?: string): QueryPlan;
  /** Plans `query` and executes the plan; `calls` holds this run's calls only. */
  run(query: string, variables?: Record<string, unknown>): Promise<ExecutedTree>;
}

/** The `@link` line of a federation 2.3 subgraph importing `directives`. */
export function fed2(...directives: string[]): string {
  const imports = directives.map((d) => `"${d}"`).join(', ');
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports}])\n`;
}

/** Builds, composes and plans over `subgraphs` (by name). */
export function planGraph(subgraphs: Record<string, SubgraphDefinition>): PlanGraph {
  const schemas = new Map<string, GraphQLSchema>();
  const services = Object.entries(subgraphs).map(([name, definition]) => {
    const typeDefs = parse(definition.typeDefs);
    schemas.set(name, buildSubgraphSchema({ typeDefs, resolvers: definition.resolvers ?? {} }));
    return { name, typeDefs, url: `http://${name}.test/graphql` };
  });
  const composed = composeServices(services);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  const load = loadQueryPlanner();
  if (!load.ok) throw new Error(load.problem);
  const planner = new load.QueryPlanner(composed.supergraphSdl);
  const graph: PlanGraph = {
    schema: buildSchema(planner.consumerSchema),
    calls: [],
    intercept: undefined,
    async fetch(serviceName, request) {
      const call = { serviceName, request };
      graph.calls.push(call);
      const intercepted = graph.intercept?.(call);
      if (intercepted) return intercepted;
      const schema = schemas.get(serviceName);
      if (schema === undefined) throw new Error(`no subgraph ${serviceName}`);
      return (await execute({
        schema,
        document: request.document,
        variableValues: request.variables,
        operationName: request.operationName,
        contextValue: request.context,
      })) as ExecutionResult;
    },
    plan: (query, operationName) => planner.plan(query, operationName, new Set(), 0),
    async run(query, variables = {}) {
      graph.calls = [];
      return executePlan({
        plan: graph.plan(query),
        schema: graph.schema,
        variables,
        fetch: graph.fetch,
        context: {},
      });
    },
  };
  return graph;
}
