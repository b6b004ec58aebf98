/**
 * What a gateway is made from (`GatewayOptions`) and what it offers (`Gateway`); made by
 * `createGateway` (create-gateway.ts), the composition root.
 */
import type { RequestListener, Server } from 'node:http';
import type { TracerProvider } from '@opentelemetry/api';
import type { GatehouseConfig } from './config/index.ts';
import type { UpstreamClient } from './http/index.ts';
import type { Logger } from './logger/index.ts';
import type { Room } from './room.ts';
import type { GatewayYoga } from './server/yoga.ts';
import type { Supergraph } from './supergraph/index.ts';
import type { UsageSummaryReader } from './usage/index.ts';

export interface GatewayOptions {
  config: GatehouseConfig;
  /** @default createLogger() */
  logger?: Logger;
  /** Environment for URL overrides of a supergraph file. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * More rooms (metrics, a breaker, retries, header rules...), placed in the list after the
   * gateway's request and operation rooms and inside `errorsAsData`: their plugins run after the
   * schema is chosen; their `headers` hooks run on every call before dedup (so they are part of its
   * key); their subgraph steps run inside dedup, so they see each upstream call once (a call shared
   * by several callers once, with its leader's request), operations and schema loads alike, so
   * anything that differs per caller (identity, tenant) belongs in `headers`, never in a subgraph
   * step (`withHeaders` there throws); their HTTP interceptors see every call of the pooled
   * client. @default []
   */
  rooms?: readonly Room[];
  /**
   * Traces with this OpenTelemetry provider (its sampler and exporters) rather than one built from
   * `tracing.exporter`; tracing is on with it even when `tracing.enabled` is false. Not registered
   * globally, not shut down by the gateway (its owner does). @default undefined
   */
  tracerProvider?: TracerProvider;
}

export interface Gateway {
  /** The Yoga server; `gateway.yoga.fetch(url, init)` runs the whole pipeline in process. */
  yoga: GatewayYoga;
  supergraph: Supergraph;
  client: UpstreamClient;
  /** Loads the subgraphs (first round). Called by `listen()`; call it yourself for in-process use. */
  start(): Promise<void>;
  /**
   * Starts the HTTP server (and the listeners of `metrics.port` and `admin.port`), then loads the
   * subgraphs; resolves with its address once both are done (`adminUrl`: with `admin.port`).
   */
  listen(): Promise<{ url: string; port: number; server: Server; adminUrl?: string }>;
  /** What a node:http server runs for each request (the JSON fast path in front of Yoga); `listen()` serves it. */
  handler: RequestListener;
  /**
   * With `metrics.port`: what the metrics listener runs (`listen()` starts one on that port).
   * @default undefined
   */
  metricsHandler?: RequestListener;
  /**
   * With `admin.port`: what the admin listener runs (`listen()` starts one on that port).
   * @default undefined
   */
  adminHandler?: RequestListener;
  /**
   * Closes every room (reloads, health checks, Redis, the upstream pools) but not a server: for
   * a gateway served by another's listener (`server/reloadable.ts`), once its requests are done.
   */
  closeRooms(): Promise<void>;
  /**
   * Recorded usage (`usage.enabled`): which operations use which coordinates (for `gatehouse
   * check`), the most used operations. @default undefined when usage is off
   */
  usage?: UsageSummaryReader;
  /**
   * Stops accepting connections, lets in-flight requests finish (for at most
   * `server.shutdownTimeout`), closes upstream pools.
   */
  close(): Promise<void>;
}
