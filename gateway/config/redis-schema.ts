/**
 * The `redis` config key: the one Redis every room that keeps shared state uses (rate limits,
 * caches), as a standalone server (`url`), a Cluster (`cluster.nodes`) or through Sentinel
 * (`sentinel`): exactly one of the three. Read by `gateway/redis` (createRedisConnection).
 */
import { z } from 'zod';
import { duration } from './duration.ts';
import { secretValue } from './secret.ts';

const redisUrl = z
  .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379' })
  .describe('`redis://[[user]:password@]host[:port][/db]`; `rediss://` for TLS');

/** `host:port`, or `[ipv6]:port`. */
export const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):(\d{1,5})$/;

export const redisSchema = z
  .strictObject({
    url: redisUrl.optional().describe('A standalone Redis: `redis://host:6379`, `rediss://` for TLS'),
    cluster: z
      .strictObject({
        nodes: z
          .array(redisUrl)
          .min(1, 'list at least one node, e.g. redis://10.0.0.1:6379')
          .describe('Some nodes of the cluster (the others are discovered), as redis:// or rediss:// URLs'),
      })
      .optional()
      .describe('A Redis Cluster'),
    sentinel: z
      .strictObject({
        sentinels: z
          .array(z.string().regex(HOST_PORT, 'must be host:port, e.g. 10.0.0.1:26379'))
          .min(1, 'list at least one sentinel, e.g. 10.0.0.1:26379')
          .describe('The sentinels to ask for the master, as `host:port`'),
        name: z.string().min(1).describe('Name of the master set the sentinels watch (`mymaster`)'),
        username: z.string().min(1).optional().describe('ACL user of the Redis servers'),
        password: secretValue('Password of the Redis servers').optional(),
        sentinelPassword: secretValue('Password of the sentinels').optional(),
        tls: z.boolean().default(false).describe('TLS to the sentinels and the servers'),
      })
      .optional()
      .describe('Redis through Sentinel: the master is looked up, and followed after a failover'),
    keyPrefix: z
      .string()
      .default('gatehouse:')
      .describe('Prefix of every key the gateway writes (each room adds its own after it, e.g. `rl:`)'),
    connectTimeout: duration('Time to open a connection before trying again').default(2_000),
    commandTimeout: duration(
      'Deadline of one Redis command (rate-limit checks have their own, shorter one)',
    ).default(1_000),
  })
  .superRefine((redis, ctx) => {
    const given = (['url', 'cluster', 'sentinel'] as const).filter((key) => redis[key] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: given.length === 0 ? [] : [given[1]!],
        message:
          given.length === 0
            ? 'say where Redis is: `url`, `cluster` or `sentinel`'
            : `give one of url, cluster, sentinel, not ${given.join(' and ')}`,
      });
    }
  })
  .describe(
    'The Redis shared by the rooms that keep state across replicas (`rateLimit.store: redis`); absent: state stays in each process',
  );

export type RedisConfig = z.output<typeof redisSchema>;
