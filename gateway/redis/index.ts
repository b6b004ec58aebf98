/**
 * The Redis connection every stateful room shares: built from the `redis` config key (a standalone
 * server, a Cluster or Sentinel), failing fast while Redis is away and reconnecting by itself.
 *
 * - Connects in the background: the gateway starts and serves while Redis is down (each room
 *   applies its fail mode); `ready()` waits for the first connection when a caller wants to.
 * - No offline queue and no retried commands: a command sent while Redis is away fails at once
 *   instead of piling up in memory, and a command whose answer was lost is never sent twice (a
 *   rate-limit script would spend twice).
 * - Reconnects with a backoff from 50 ms doubling up to 1 s, forever; logs one line when the
 *   connection goes down (or cannot be made) and one when it is back, not one per attempt.
 * - Keys are prefixed by the stores (`keyPrefix` is handed to them), not by ioredis. ioredis 5's
 *   own `keyPrefix` does reach the KEYS of scripts (checked with 5.11: defineCommand, pipelines,
 *   EVAL, EVALSHA), but not SCAN or KEYS patterns nor the keys in replies, and a prefix applied
 *   out of sight is easy to apply twice; one visible rule is clearer.
 * - Sentinel passwords given as `{ env: NAME }` are read from the environment here, at startup;
 *   an unset variable is a `CONFIG_INVALID` naming it.
 */
import { Cluster, type ClusterNode, Redis, type RedisOptions } from 'ioredis';
import { GatehouseError } from '../../core/errors.ts';
import type { RedisConfig } from '../config/redis-schema.ts';
import { readSecret, type Secret } from '../config/secret.ts';
import type { Logger } from '../logger/index.ts';

export interface RedisConnectionOptions {
  /** A standalone Redis, `redis://` or `rediss://` (TLS). */
  url?: string;
  /** A Redis Cluster: some of its nodes, as URLs. */
  cluster?: { nodes: string[] };
  /** Redis through Sentinel. */
  sentinel?: RedisConfig['sentinel'];
  /** Prefix of every key, applied by the stores. @default 'gatehouse:' */
  keyPrefix?: string;
  /** Time to open a connection, in ms. @default 2_000 */
  connectTimeout?: number;
  /** Deadline of one command, in ms. @default 1_000 */
  commandTimeout?: number;
  /** Where the connection says it went down and came back. @default no logging */
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Where `{ env: NAME }` secrets (Sentinel passwords) are read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

export interface RedisConnection {
  /** The ioredis client; only `*\/redis-store.ts` files use it. */
  readonly client: Redis | Cluster;
  /** Prefix of every key; each room adds its own after it (`rl:`). */
  readonly keyPrefix: string;
  /** `standalone`, `cluster` or `sentinel`, for logs. */
  readonly mode: 'standalone' | 'cluster' | 'sentinel';
  /** Resolves once connected (at once if it is); rejects after `timeoutMs`. @default timeoutMs 5_000 */
  ready(timeoutMs?: number): Promise<void>;
  /** Quits (or drops a connection that is not up) and stops reconnecting. */
  close(): Promise<void>;
}

const RECONNECT_INITIAL = 50; // ms
const RECONNECT_MAX = 1_000; // 1 s: a returning Redis is used again within a second
/** ioredis's `retryStrategy`: how long to wait before reconnection attempt `times` (1, 2, ...). */
export const reconnectDelay = (times: number) =>
  Math.min(RECONNECT_INITIAL * 2 ** (times - 1), RECONNECT_MAX);

/** Builds the client (not yet connected: it connects in the background) and watches its state. */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const mode = options.cluster ? 'cluster' : options.sentinel ? 'sentinel' : 'standalone';
  const client = buildClient(options, sentinelSecrets(options));
  const logger = options.logger;
  const where = describe(options);
  let up = false;
  let down = false; // reported down, not yet back
  let closing = false;

  const wentDown = (error?: unknown) => {
    if (closing || down) return;
    down = true;
    const message = up
      ? `redis: connection to ${where} lost; reconnecting`
      : `redis: cannot connect to ${where}; retrying`;
    up = false;
    logger?.warn(message, error ? { error } : undefined);
  };
  client.on('ready', () => {
    if (down) logger?.info(`redis: connection to ${where} is back`);
    else logger?.info(`redis: connected to ${where}`);
    up = true;
    down = false;
  });
  // An 'error' listener also keeps ioredis from printing every failed attempt to the console.
  client.on('error', (error: unknown) => wentDown(error));
  client.on('close', () => {
    if (up) wentDown();
  });
  client.connect().catch((error: unknown) => wentDown(error));

  return {
    client,
    keyPrefix: options.keyPrefix ?? 'gatehouse:',
    mode,
    ready(timeoutMs = 5_000) {
      if (client.status === 'ready') return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          client.off('ready', onReady);
          reject(new Error(`redis: not connected to ${where} within ${timeoutMs} ms`));
        }, timeoutMs);
        const onReady = () => {
          clearTimeout(timer);
          resolve();
        };
        client.once('ready', onReady);
      });
    },
    async close() {
      closing = true;
      if (client.status === 'ready') {
        try {
          await client.quit();
          return;
        } catch {
          // fall through: drop the connection
        }
      }
      client.disconnect();
    },
  };
}

/** The Sentinel passwords, read from the environment when given as `{ env: NAME }`. */
function sentinelSecrets(options: RedisConnectionOptions): { password?: string; sentinelPassword?: string } {
  const sentinel = options.sentinel;
  if (sentinel === undefined) return {};
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const read = (secret: Secret | undefined, path: string) => {
    if (secret === undefined) return undefined;
    const value = readSecret(secret, env);
    if (value === undefined && typeof secret !== 'string')
      problems.push(`${path}: set the environment variable ${secret.env}`);
    return value;
  };
  const password = read(sentinel.password, 'redis.sentinel.password');
  const sentinelPassword = read(sentinel.sentinelPassword, 'redis.sentinel.sentinelPassword');
  if (problems.length > 0)
    throw new GatehouseError('CONFIG_INVALID', 'invalid redis configuration', problems);
  return { password, sentinelPassword };
}

/** The ioredis client for `options`, lazily connected, without offline queue or retries. */
function buildClient(
  options: RedisConnectionOptions,
  secrets: { password?: string; sentinelPassword?: string },
): Redis | Cluster {
  const timeouts = {
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeout ?? 2_000,
    commandTimeout: options.commandTimeout ?? 1_000,
  };
  const common: RedisOptions = {
    ...timeouts,
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: reconnectDelay,
  };
  if (options.cluster) {
    const nodes = options.cluster.nodes.map((url) => new URL(url));
    const auth = nodes.find((node) => node.password || node.username);
    return new Cluster(
      nodes.map((node): ClusterNode => ({ host: node.hostname, port: Number(node.port || 6379) })),
      {
        lazyConnect: true,
        enableOfflineQueue: false,
        // Checks sent in one tick go out as one write per node (the rate-limit store relies on it).
        enableAutoPipelining: true,
        clusterRetryStrategy: reconnectDelay,
        redisOptions: {
          ...timeouts,
          username: auth?.username ? decodeURIComponent(auth.username) : undefined,
          password: auth?.password ? decodeURIComponent(auth.password) : undefined,
          tls: nodes[0]?.protocol === 'rediss:' ? {} : undefined,
        },
      },
    );
  }
  if (options.sentinel) {
    const { sentinels, name, username, tls } = options.sentinel;
    const { password, sentinelPassword } = secrets;
    return new Redis({
      ...common,
      sentinels: sentinels.map((hostPort) => {
        const at = hostPort.lastIndexOf(':');
        return { host: hostPort.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(hostPort.slice(at + 1)) };
      }),
      name,
      username,
      password,
      sentinelPassword,
      sentinelRetryStrategy: reconnectDelay,
      ...(tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    });
  }
  if (!options.url) throw new TypeError('redis: give one of url, cluster, sentinel');
  return new Redis(options.url, common);
}

/** Where Redis is, for logs: host and port only, never credentials. */
function describe(options: RedisConnectionOptions): string {
  const hostOf = (url: string) => {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 6379}`;
  };
  if (options.cluster) return `cluster ${options.cluster.nodes.map(hostOf).join(', ')}`;
  if (options.sentinel)
    return `sentinel master ${options.sentinel.name} (${options.sentinel.sentinels.join(', ')})`;
  return hostOf(options.url ?? '');
}
