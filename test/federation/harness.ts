/**
 * The federation conformance harness: one case = N subgraphs served over real HTTP on loopback
 * plus a gateway composed from them, all closed together. Subgraphs are built with Apollo's
 * reference `buildSubgraphSchema` (`apolloSubgraph`) or with ours (`gatehouseSubgraph`), so the
 * suite checks the gateway against the reference implementation and our helper against both.
 */
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

export interface FederationCaseOptions {
  /**
   * When false, a gateway without a schema (composition failed) is returned as is instead of
   * failing the case with the composition problems.
   * @default true
   */
  requireSchema?: boolean;
}

/** Serves each schema on loopback, starts a gateway over them and resets the request counters. */
export async function startFederationCase(
  subgraphs: Record<string, GraphQLSchema>,
  options: FederationCaseOptions = {},
): Promise<FederationCase> {
  const servers: Record<string, RunningServer> = {};
  let gateway: TestGateway | undefined;
  const close = async () => {
    await gateway?.close();
    await Promise.all(Object.values(servers).map((s) => s.close()));
  };
  try {
    for (const [name, schema] of Object.entries(subgraphs)) servers[name] = await serveGraphQL({ schema });
    gateway = await startTestGateway({
      subgraphs: Object.entries(servers).map(([name, server]) => ({
        name,
        kind: 'federation' as const,
        url: server.url,
      })),
    });
    const status = gateway.supergraph.status();
    if ((options.requireSchema ?? true) && !status.hasSchema) {
      const failed = status.subgraphs.filter((s) => s.error).map((s) => `${s.name}: ${s.error}`);
      throw new Error(`the case has no schema:\n${[...status.compositionProblems, ...failed].join('\n')}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  // The SDL fetches at startup are not part of what a case counts.
  for (const server of Object.values(servers)) server.resetRequests();
  const running = gateway;
  return {
    gateway: running,
    servers,
    query: (query, variables, headers) => running.query(query, variables, headers),
    close,
    [Symbol.asyncDispose]: close,
  };
}

type Body = Awaited<ReturnType<TestGateway['query']>>['body'];

/**
 * The body with every error message replaced by `'…'`: for errors the gateway (or graphql-js)
 * writes, whose wording may change; tests compare codes, paths and locations. Errors a subgraph
 * returned keep their message (passing it through unchanged is what is tested), so do not use
 * this on those.
 */
export function withoutMessages(body: Body): Body {
  if (body.errors === undefined) return body;
  return { ...body, errors: body.errors.map((error) => ({ ...error, message: '…' })) };
}
