/**
 * The composition root: builds every piece from the resolved config and wires them into one
 * Yoga server with one ordered plugin list. Only this file knows all the rooms.
 */
import type { Server } from 'node:http';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { GatehouseConfig } from './config/index.ts';
import { useCollapseErrors } from './errors/collapse.ts';
import { createMaskError } from './errors/mask.ts';
import { useOperationErrorCodes } from './errors/operation-errors.ts';
import { createGraphiQL } from './graphiql/index.ts';
import { useHealth } from './health/index.ts';
import { createUpstreamClient, type UpstreamClient } from './http/index.ts';
import { createLogger, type Logger } from './logger/index.ts';
import { yogaLogging } from './logger/yoga.ts';
import { type Listening, listen } from './server/index.ts';
import { createSupergraph, type Supergraph, subgraphSources } from './supergraph/index.ts';
import { useSupergraphSchema } from './supergraph/plugin.ts';
import { createLoadContext } from './upstream/index.ts';

export interface GatewayOptions {
  config: GatehouseConfig;
  /** @default createLogger() */
  logger?: Logger;
  /** Environment for URL overrides of a supergraph file. @default process.env */
  env?: NodeJS.ProcessEnv;
}

export interface Gateway {
  /** The Yoga server; `gateway.yoga.fetch(url, init)` runs the whole pipeline in process. */
  yoga: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;
  supergraph: Supergraph;
  client: UpstreamClient;
  /** Loads the subgraphs (first round). Called by `listen()`; call it yourself for in-process use. */
  start(): Promise<void>;
  /** Starts the HTTP server, then loads the subgraphs; resolves with its address once both are done. */
  listen(): Promise<{ url: string; port: number; server: Server }>;
  /**
   * Stops accepting connections, lets in-flight requests finish (for at most
   * `server.shutdownTimeout`), closes upstream pools.
   */
  close(): Promise<void>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const { config } = options;
  const logger = options.logger ?? createLogger();
  const client = createUpstreamClient(config.upstream, logger);
  const context = createLoadContext(client);
  const supergraph = createSupergraph({
    subgraphs: subgraphSources(config.subgraphs),
    supergraphFile: config.supergraph,
    context,
    logger,
    retryInitialDelay: config.loading.retryInitialDelay,
    retryMaxDelay: config.loading.retryMaxDelay,
    healthCheckInterval: config.loading.healthCheckInterval,
    healthCheckTimeout: config.loading.healthCheckTimeout,
    env: options.env,
  });

  // GraphiQL from local files, not a CDN: the page (renderGraphiQL below) and its assets (plugin).
  const graphiql = config.server.graphiql ? createGraphiQL() : undefined;

  const plugins: Plugin[] = [
    // Request stage, first: health answers without touching GraphQL.
    useHealth({
      healthPath: config.server.healthPath,
      readyPath: config.server.readyPath,
      readyDetails: config.server.readyDetails,
      status: () => supergraph.status(),
    }),
    // Request stage: GraphiQL's script and stylesheet, before anything GraphQL.
    ...(graphiql ? [graphiql.plugin] : []),
    // Operation stage: every operation runs on the schema in service when it starts.
    useSupergraphSchema(supergraph),
    // Operation stage: errors raised before execution (variables, operation name) get a code.
    useOperationErrorCodes(),
    // Response stage, after the mask: identical errors (one per entity when a subgraph is down) sent once.
    useCollapseErrors(),
  ];

  const yoga = createYoga<Record<string, unknown>>({
    graphqlEndpoint: config.server.graphqlPath,
    plugins,
    maskedErrors: { maskError: createMaskError(logger, config.subgraphErrors) },
    graphiql: config.server.graphiql
      ? { title: 'Gatehouse', defaultQuery: config.server.exampleQuery }
      : false,
    renderGraphiQL: graphiql?.render,
    logging: yogaLogging(logger),
    landingPage: false,
    // No CORS headers unless origins are configured: Yoga's default reflects any origin, with
    // credentials, which would let any website read the graph as the signed-in user.
    cors: config.server.cors
      ? {
          origin: config.server.cors.origins.includes('*') ? '*' : [...config.server.cors.origins],
          credentials: config.server.cors.credentials,
        }
      : false,
  });

  let listening: Listening | undefined;
  let started: Promise<void> | undefined;
  const start = () => (started ??= supergraph.start());

  return {
    yoga,
    supergraph,
    client,
    start,
    async listen() {
      listening = await listen(yoga, config.server);
      // Bound first, loaded second: /healthz answers (and /readyz says "not ready") while the
      // subgraphs load, so an orchestrator's liveness probe does not kill a slow start.
      await start();
      return { url: listening.url, port: listening.port, server: listening.server };
    },
    async close() {
      await supergraph.stop();
      await listening?.close();
      await client.close();
    },
  };
}
