/**
 * The package's public entry (`import { defineConfig } from 'gatehouse-graphql'`). Kept small on
 * purpose: what a config file needs, what embedding the gateway in a program needs, and the error
 * codes. Everything else is internal and may change in any release.
 */

export { type ErrorCode, ErrorCodes, GatehouseError, type GatewayErrorExtensions } from '../core/errors.ts';
export type {
  HttpInterceptor,
  SendRequest,
  UpstreamCallKind,
  UpstreamRequest,
  UpstreamResponse,
} from '../core/http-client.ts';
export type { HeaderRule } from '../core/outgoing-headers.ts';
export {
  type CallKind,
  callKind,
  type ExecutorWrapper,
  type SubgraphExecutor,
  type SubgraphInfo,
  type SubgraphRequest,
  type SubgraphResult,
} from '../core/subgraph-call.ts';
export {
  type ConfigProblem,
  defineConfig,
  type GatehouseConfig,
  type GatehouseConfigInput,
  loadConfig,
  type ResolveOptions,
  resolveConfig,
  type SubgraphConfig,
} from './config/index.ts';
export { createGateway, type Gateway, type GatewayOptions } from './create-gateway.ts';
export { createLogger, type Logger, type LoggerOptions, type LogLevel } from './logger/index.ts';
export type { Room } from './room.ts';
