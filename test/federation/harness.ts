/**
 * The federation conformance harness: one case = N subgraphs served over real HTTP on loopback
 * plus a gateway composed from them, all closed together. Subgraphs are built with Apollo's
 * reference `buildSubgraphSchema` (`apolloSubgraph`) or with ours (`gatehouseSubgraph`), so the
 * suite checks the gateway against the reference implementation and our helper against both.
 * Every case runs on each engine (`forEachEngine`); `sharedFederation` serves one set of
 * subgraphs to the cases of a suite, with one gateway per engine.
 */
import { after, describe, it as nodeIt, type TestContext } from 'node:test';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLSchema, parse } from 'graphql';
import {
  buildSubgraphSchema as buildOurSubgraphSchema,
  type SubgraphResolvers,
} from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

/** Resolvers as `@apollo/subgraph` takes them (its resolver map type is not exported by name). */
export type ApolloResolvers = NonNullable<
  Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']
>;

/** The `@link` line of a federation v2 subgraph importing `directives` (e.g. `'@key', '@shareable'`). */
export function fed2(...directives: string[]): string {
  const imports = directives.map((d) => `"${d}"`).join(', ');
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports}])\n`;
}

/** A subgraph built by `@apollo/subgraph` (the reference implementation). */
export function apolloSubgraph(typeDefs: string, resolvers: ApolloResolvers = {}): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers });
}

/** A subgraph built by our own `schema/federation/build-subgraph-schema.ts`. */
export function gatehouseSubgraph(typeDefs: string, resolvers: SubgraphResolvers = {}): GraphQLSchema {
  return buildOurSubgraphSchema({ typeDefs, resolvers });
}

/** Resolvers both builders accept: per type, field resolvers and `__resolveReference`. */
export type CaseResolvers = Record<string, Record<string, (parent: never, ...rest: never[]) => unknown>>;

/** Builds a subgraph from SDL and resolvers; one per implementation, to run a case on each. */
export type SubgraphBuilder = (typeDefs: string, resolvers?: CaseResolvers) => GraphQLSchema;

/** The reference builder and ours, by name, for cases that must hold with both. */
export const subgraphBuilders: ReadonlyArray<readonly [string, SubgraphBuilder]> = [
  ['@apollo/subgraph', (typeDefs, resolvers) => apolloSubgraph(typeDefs, resolvers as ApolloResolvers)],
  ['gatehouse', (typeDefs, resolvers) => gatehouseSubgraph(typeDefs, resolvers as SubgraphResolvers)],
];

export interface FederationCase {
  gateway: TestGateway;
  /** The running subgraphs, by name (each counts the requests it received). */
  servers: Record<string, RunningServer>;
  /** Runs an operation through the gateway's whole pipeline; status and JSON body. */
  query: TestGateway['query'];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The engines every case runs on (the config key `engine`). */
export const ENGINES = ['stitching', 'plan'] as const;
export type Engine = (typeof ENGINES)[number];

/**
 * Why every `plan` run would be `todo` (node:test) while the plan engine was being built. It has
 * landed: undefined, so the plan runs must pass (a case may still mark one with `planTodo`).
 */
export const PLAN_ENGINE_PENDING: string | undefined = undefined;

export interface FederationCaseOptions {
  /**
   * The engine of the gateway.
   * @default 'stitching'
   */
  engine?: Engine;
  /**
   * When false, a gateway without a schema (composition failed) is returned as is instead of
   * failing the case with the composition problems.
   * @default true
   */
  requireSchema?: boolean;
}

/** Serves each schema on loopback; on a failure, closes those already listening. */
async function serveSubgraphs(
  subgraphs: Record<string, GraphQLSchema>,
): Promise<Record<string, RunningServer>> {
  const servers: Record<string, RunningServer> = {};
  try {
    for (const [name, schema] of Object.entries(subgraphs)) servers[name] = await serveGraphQL({ schema });
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
  return servers;
}

const closeAll = (servers: Record<string, RunningServer>) =>
  Promise.all(Object.values(servers).map((s) => s.close())).then(() => undefined);

/** A gateway on `engine` over running subgraphs; fails when it has no schema (unless allowed). */
async function startGatewayOver(
  servers: Record<string, RunningServer>,
  options: FederationCaseOptions,
): Promise<TestGateway> {
  const gateway = await startTestGateway({
    engine: options.engine ?? 'stitching',
    subgraphs: Object.entries(servers).map(([name, server]) => ({
      name,
      kind: 'federation' as const,
      url: server.url,
    })),
  });
  const status = gateway.supergraph.status();
  if ((options.requireSchema ?? true) && !status.hasSchema) {
    await gateway.close();
    const failed = status.subgraphs.filter((s) => s.error).map((s) => `${s.name}: ${s.error}`);
    throw new Error(`the case has no schema:\n${[...status.compositionProblems, ...failed].join('\n')}`);
  }
  // The SDL fetches at startup are not part of what a case counts.
  for (const server of Object.values(servers)) server.resetRequests();
  return gateway;
}

/** Serves each schema on loopback, starts a gateway over them and resets the request counters. */
export async function startFederationCase(
  subgraphs: Record<string, GraphQLSchema>,
  options: FederationCaseOptions = {},
): Promise<FederationCase> {
  const servers = await serveSubgraphs(subgraphs);
  let gateway: TestGateway;
  try {
    gateway = await startGatewayOver(servers, options);
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
  const close = async () => {
    await gateway.close();
    await closeAll(servers);
  };
  return {
    gateway,
    servers,
    query: (query, variables, headers) => gateway.query(query, variables, headers),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A case of a {@link sharedFederation}: the suite closes it, not the case. */
export type SharedCase = Omit<FederationCase, 'close' | typeof Symbol.asyncDispose>;

export interface SharedFederation {
  /** The gateway on `engine` (started on first use), with every request counter set to 0. */
  on(engine: Engine): Promise<SharedCase>;
}

export interface SharedFederationOptions extends Omit<FederationCaseOptions, 'engine'> {
  /**
   * Subgraphs that are down: their servers close once every engine's gateway has composed, so
   * each call to them is refused.
   * @default []
   */
  down?: readonly string[];
}

/**
 * One set of subgraph servers for the cases of the enclosing suite, and one gateway per engine
 * over them, each started on first use and all closed after the suite. For subgraphs without
 * state a case could change (request counters are reset on each `on()`).
 */
export function sharedFederation(
  subgraphs: () => Record<string, GraphQLSchema>,
  options: SharedFederationOptions = {},
): SharedFederation {
  const { down = [], ...caseOptions } = options;
  let servers: Promise<Record<string, RunningServer>> | undefined;
  const gateways = new Map<Engine, Promise<TestGateway>>();
  const gatewayOn = async (engine: Engine) => {
    let gateway = gateways.get(engine);
    if (gateway === undefined) {
      gateway = startGatewayOver(await (servers as Promise<Record<string, RunningServer>>), {
        ...caseOptions,
        engine,
      });
      gateways.set(engine, gateway);
    }
    return gateway;
  };
  // Down subgraphs must have served their SDL to every gateway before they stop.
  let downClosed: Promise<void> | undefined;
  const takeDown = async (running: Record<string, RunningServer>) => {
    // Settled, not all: an engine whose gateway fails to start must not fail the other's cases.
    await Promise.allSettled(ENGINES.map(gatewayOn));
    await Promise.all(down.map((name) => running[name]?.close()));
  };
  after(async () => {
    await Promise.allSettled([...gateways.values()].map(async (g) => (await g).close()));
    const running = servers ? await servers : {};
    await closeAll(Object.fromEntries(Object.entries(running).filter(([name]) => !down.includes(name))));
  });
  return {
    async on(engine) {
      servers ??= serveSubgraphs(subgraphs());
      const running = await servers;
      if (down.length > 0) {
        downClosed ??= takeDown(running);
        await downClosed;
      }
      const ready = await gatewayOn(engine);
      for (const server of Object.values(running)) server.resetRequests();
      return { gateway: ready, servers: running, query: (q, v, h) => ready.query(q, v, h) };
    },
  };
}

/** Options of one case run on every engine. */
export interface EngineCaseOptions {
  /** Marks the stitching run `todo`: `'stitching engine: <why it is wrong>'` (listed in README.md). */
  stitchingTodo?: string;
  /** Marks the plan run `todo`, with the reason; {@link PLAN_ENGINE_PENDING} applies anyway. */
  planTodo?: string;
}

/** The `todo` of a case on `engine`: the plan engine's pending note first, then the case's own. */
export function todoOn(engine: Engine, options: EngineCaseOptions = {}): string | undefined {
  if (engine === 'plan') return PLAN_ENGINE_PENDING ?? options.planTodo;
  return options.stitchingTodo;
}

type CaseFn = (t: TestContext) => Promise<void> | void;

/** What `forEachEngine` gives the cases of one engine. */
export interface EngineRun {
  engine: Engine;
  /** `it` of node:test, with the run marked `todo` where this engine is known to fail. */
  it(name: string, fn: CaseFn): void;
  it(name: string, options: EngineCaseOptions, fn: CaseFn): void;
  /** {@link startFederationCase} on this engine. */
  start(
    subgraphs: Record<string, GraphQLSchema>,
    options?: Omit<FederationCaseOptions, 'engine'>,
  ): Promise<FederationCase>;
}

/** Declares the cases of `cases` once per engine, each engine in its own suite (`engine: plan`). */
export function forEachEngine(cases: (run: EngineRun) => void): void {
  for (const engine of ENGINES) {
    describe(`engine: ${engine}`, () => {
      cases({
        engine,
        it(name: string, ...rest: [CaseFn] | [EngineCaseOptions, CaseFn]) {
          const [options, fn] = rest.length === 1 ? [{}, rest[0]] : rest;
          nodeIt(name, { todo: todoOn(engine, options) }, fn);
        },
        start: (subgraphs, options) => startFederationCase(subgraphs, { ...options, engine }),
      });
    });
  }
}
