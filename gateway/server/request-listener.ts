/**
 * What the HTTP server runs for each request: the JSON fast path in front of Yoga
 * (`fast-path.ts`), unless `server.fastPath` is off or a room's request hooks must see every
 * request to the GraphQL endpoint (then Yoga alone, and a debug line says which rooms).
 */
import type { RequestListener } from 'node:http';
import type { GatehouseConfig } from '../config/index.ts';
import type { Logger } from '../logger/index.ts';
import { type Room, roomsHookingPath } from '../room.ts';
import { createRequestListener, type FastPathOptions } from './fast-path.ts';

export function requestListener(
  yoga: RequestListener & Parameters<typeof createRequestListener>[0],
  rooms: readonly Room[],
  config: Pick<GatehouseConfig, 'server' | 'limits'>,
  maskError: FastPathOptions['maskError'],
  logger: Logger,
): RequestListener {
  if (!config.server.fastPath) return yoga;
  const hooking = roomsHookingPath(rooms, config.server.graphqlPath);
  if (hooking.length > 0) {
    logger.debug(`the JSON fast path is off: rooms ${hooking.join(', ')} hook every request`);
    return yoga;
  }
  return createRequestListener(yoga, {
    graphqlPath: config.server.graphqlPath,
    cors: config.server.cors !== undefined,
    maxRequestBodySize: config.limits.maxRequestBodySize || Number.POSITIVE_INFINITY,
    maskError,
  });
}
