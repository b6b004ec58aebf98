/**
 * What every kind of backend becomes before composition: a federation subgraph. Federation
 * subgraphs are that already; plain GraphQL services and REST APIs are turned into one in process
 * (`schema/graphql-service`, `schema/rest`), so one composition and one planner serve them all.
 */
import type { DocumentNode } from 'graphql';
import type { UpstreamClient } from '../gateway/http/index.ts';
import type { SubgraphExecutor } from '../gateway/upstream/index.ts';

export interface SubgraphDefinition {
  /** Unique name; `serviceName` in errors. */
  name: string;
  /** The federation subgraph SDL (v1 or v2) composed into the supergraph. */
  typeDefs: DocumentNode;
  /** Executes what the planner sends (root fields and `_entities`); never throws. */
  executor: SubgraphExecutor;
  /** Where the subgraph lives; written into the supergraph's `join__graph(url:)`. */
  url: string;
}

/** What a loader gets from the composition root. */
export interface SubgraphLoadContext {
  /** The pooled HTTP client, for REST calls and SDL fetches. */
  client: UpstreamClient;
  /** Builds the upstream pipeline for a remote GraphQL endpoint. */
  remoteExecutor(options: {
    name: string;
    url: string;
    timeout?: number;
    headers?: Readonly<Record<string, string>>;
  }): SubgraphExecutor;
}

/** Loads one backend's schema and makes its executor; rejects when it cannot be loaded. */
export type SubgraphLoader = (context: SubgraphLoadContext) => Promise<SubgraphDefinition>;
