/**
 * What every kind of backend becomes before composition: a federation subgraph. Federation
 * subgraphs are that already; plain GraphQL services and REST APIs are turned into one in process
 * (`schema/graphql-service`, `schema/rest`), so one composition and one planner serve them all.
 */
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import type { DocumentNode } from 'graphql';
import type { UpstreamClient } from '../core/http-client.ts';
import type { SubgraphExecutor } from '../core/subgraph-call.ts';

export interface SubgraphDefinition {
  /** Unique name; `serviceName` in errors. */
  name: string;
  /** The federation subgraph SDL (v1 or v2) composed into the supergraph. */
  typeDefs: DocumentNode;
  /**
   * Executes what the planner sends (root fields and `_entities`). Bare: it may reject; the
   * composition root wraps it in the one subgraph pipeline when it is put in service.
   */
  executor: SubgraphExecutor;
  /** Where the subgraph lives; written into the supergraph's `join__graph(url:)`. */
  url: string;
}

/** A remote GraphQL endpoint. */
export interface RemoteEndpoint {
  name: string;
  url: string;
  /** Deadline for one request, in milliseconds. @default the client's request timeout */
  timeout?: number;
  /** @default {} */
  headers?: Readonly<Record<string, string>>;
}

/** What a loader gets from the composition root. */
export interface SubgraphLoadContext {
  /** The pooled HTTP client (its interceptors included), for REST calls and document fetches. */
  client: UpstreamClient;
  /** The bare GraphQL-over-HTTP transport to an endpoint, for executors; rejects on failure. */
  transport(endpoint: RemoteEndpoint): SubgraphExecutor;
  /**
   * Sends one request that loads a schema (`_service { sdl }`, introspection) through the
   * subgraph pipeline, as a call of kind `schema-load`.
   */
  load(endpoint: RemoteEndpoint, request: ExecutionRequest): Promise<ExecutionResult>;
}

/** Loads one backend's schema and makes its executor; rejects when it cannot be loaded. */
export type SubgraphLoader = (context: SubgraphLoadContext) => Promise<SubgraphDefinition>;
