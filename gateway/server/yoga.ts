/**
 * The Yoga server of a gateway: its endpoint, the rooms' plugins, the error mask, the bounded
 * parse caches, GraphiQL when on, and CORS only where origins are configured.
 */
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { GatehouseConfig } from '../config/index.ts';
import type { createGraphiQL } from '../graphiql/index.ts';
import { boundedParseCaches } from '../limits/index.ts';
import type { Logger } from '../logger/index.ts';
import { yogaLogging } from '../logger/yoga.ts';

// Documents longer than this are parsed each time rather than cached (limits/index.ts).
const PARSE_CACHE_MAX_CHARS = 32 * 1024; // 32 KiB

export type GatewayYoga = YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;

export interface GatewayYogaOptions {
  config: GatehouseConfig;
  plugins: Plugin[];
  maskError: (error: unknown, message: string) => Error;
  graphiql: ReturnType<typeof createGraphiQL> | undefined;
  logger: Logger;
}

export function createGatewayYoga({
  config,
  plugins,
  maskError,
  graphiql,
  logger,
}: GatewayYogaOptions): GatewayYoga {
  return createYoga<Record<string, unknown>>({
    graphqlEndpoint: config.server.graphqlPath,
    plugins,
    maskedErrors: { maskError },
    maxRequestBodySize: config.limits.maxRequestBodySize,
    // Parse caches that keep no long text (their keys), so 1024 entries stay small.
    parserAndValidationCache: boundedParseCaches(PARSE_CACHE_MAX_CHARS),
    multipart: config.server.uploads,
    graphiql: graphiql ? { title: 'Gatehouse', defaultQuery: config.server.exampleQuery } : false,
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
}
