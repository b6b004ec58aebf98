/**
 * The registry in Redis, shared by every replica. Keys (all in one cluster slot, `{registry}`):
 *
 *   <prefix>{registry}:head            hash: subgraph name → its newest version number
 *   <prefix>{registry}:meta:<name>     hash: version → { author, publishedAt, restoredFrom? }
 *   <prefix>{registry}:entry:<name>    hash: version → the entry (JSON, as published)
 *   <prefix>{registry}:rev             a counter, raised by every change
 *
 * A publish is one Lua script: it numbers the version (refusing when the current one is not the
 * one the caller checked against, if it says), writes it, drops versions beyond `maxVersions`,
 * raises the revision and publishes the subgraph's name on
 * `<prefix>registry:changes`. Replicas hear it on a subscriber connection of their own and,
 * as a backstop (a message lost while the subscriber reconnects), read the revision every
 * `pollInterval`: every replica sees a publish within that. A rollback reads the version to
 * restore, checks it (`parseEntry`), and publishes it conditional on the head it read. A version
 * that cannot be read is skipped (`broken()`): the newest one that can is current.
 */
import type { Cluster, Redis } from 'ioredis';
import { GatehouseError } from '../../core/errors.ts';
import { createChangeWatch } from './change-watch.ts';
import { parseEntry, type RegistryEntry } from './entry.ts';
import { isSubgraphName, subgraphName } from './names.ts';
import {
  currentVersions,
  type PublishMeta,
  previousVersion,
  RegistryConflict,
  type RegistryStore,
  type RegistryVersion,
} from './store.ts';

export interface RedisStoreOptions {
  /** The gateway's Redis connection's client (`gateway/redis`). */
  client: Redis | Cluster;
  /** Prefix of every key. @default 'gatehouse:' */
  keyPrefix?: string;
  /** Time between two reads of the revision (the backstop of pub/sub), in ms. @default 1_000 */
  pollInterval?: number;
  /** Versions kept per subgraph. @default 100 */
  maxVersions?: number;
  /** Where a failed read of the revision is reported. */
  onError?(error: unknown): void;
}

/**
 * KEYS: head, meta:<name>, entry:<name>, rev. ARGV: name, entry JSON, meta JSON, maxVersions,
 * channel, expected ('' for any: else the current version number the caller saw, 0 for none).
 * Answers the version written, or an error reply `CONFLICT <current>`.
 */
const APPEND = `
local name = ARGV[1]
local head = tonumber(redis.call('HGET', KEYS[1], name) or '0')
if ARGV[6] ~= '' and tonumber(ARGV[6]) ~= head then
  return redis.error_reply('CONFLICT ' .. head)
end
local version = head + 1
redis.call('HSET', KEYS[1], name, version)
redis.call('HSET', KEYS[2], version, ARGV[3])
redis.call('HSET', KEYS[3], version, ARGV[2])
local keep = tonumber(ARGV[4])
for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
  if tonumber(field) <= version - keep then
    redis.call('HDEL', KEYS[2], field)
    redis.call('HDEL', KEYS[3], field)
  end
end
redis.call('INCR', KEYS[4])
redis.call('PUBLISH', ARGV[5], name)
return version
`;

/** Attempts of a rollback when other publishes keep moving the subgraph. */
const MAX_ATTEMPTS = 10;

export function createRedisStore(options: RedisStoreOptions): RegistryStore {
  const { client } = options;
  const base = `${options.keyPrefix ?? 'gatehouse:'}{registry}:`;
  const channel = `${options.keyPrefix ?? 'gatehouse:'}registry:changes`;
  const keys = {
    head: `${base}head`,
    rev: `${base}rev`,
    meta: (name: string) => `${base}meta:${name}`,
    entry: (name: string) => `${base}entry:${name}`,
  };
  const maxVersions = options.maxVersions ?? 100;

  /** Runs a command; a Redis that is away is REGISTRY_UNAVAILABLE. */
  const ask = async <T>(what: string, command: () => Promise<T>): Promise<T> => {
    try {
      return await command();
    } catch (error) {
      if (error instanceof GatehouseError) throw error;
      const message = (error as Error).message ?? String(error);
      throw new GatehouseError('REGISTRY_UNAVAILABLE', `registry: Redis could not ${what}: ${message}`, [], {
        cause: error,
      });
    }
  };
  /** A stored version, checked; `{ problem }` when it cannot be read. */
  const record = (
    name: string,
    version: number,
    meta: string,
    entry: string,
  ): RegistryVersion | { problem: string } => {
    try {
      const { author, publishedAt, restoredFrom } = JSON.parse(meta) as Omit<
        RegistryVersion,
        'name' | 'version' | 'entry'
      >;
      const parsed = parseEntry(JSON.parse(entry)).entry;
      if (parsed.name !== name) throw new Error(`its entry is ${JSON.stringify(parsed.name)}'s`);
      return {
        name,
        version,
        author,
        publishedAt,
        ...(restoredFrom !== undefined && { restoredFrom }),
        entry: parsed,
      };
    } catch (error) {
      return {
        problem: `version ${version} cannot be read: ${(error as Error).message.split('\n').join(' ')}`,
      };
    }
  };
  /** Every version of `name` kept, newest first, read or not. */
  const all = async (name: string) => {
    const [metas, entries] = await ask('read', () =>
      Promise.all([client.hgetall(keys.meta(name)), client.hgetall(keys.entry(name))]),
    );
    return Object.keys(metas)
      .map(Number)
      .sort((a, b) => b - a)
      .flatMap((v) => (entries[v] ? [record(name, v, metas[v]!, entries[v]!)] : []));
  };
  const append = async (
    name: string,
    entry: RegistryEntry,
    meta: PublishMeta,
    restoredFrom: number | undefined,
    expected: number | undefined,
  ): Promise<RegistryVersion> => {
    const stored = {
      author: meta.author,
      publishedAt: new Date().toISOString(),
      ...(restoredFrom !== undefined && { restoredFrom }),
    };
    const version = (await ask('publish', () =>
      client
        .eval(
          APPEND,
          4,
          keys.head,
          keys.meta(name),
          keys.entry(name),
          keys.rev,
          name,
          JSON.stringify(entry),
          JSON.stringify(stored),
          maxVersions,
          channel,
          expected === undefined ? '' : String(expected),
        )
        .catch((error: Error) => {
          const conflict = /^CONFLICT (\d+)/.exec(error.message ?? '');
          if (conflict) throw new RegistryConflict(name, expected ?? 0, Number(conflict[1]));
          throw error;
        }),
    )) as number;
    return { name, version, ...stored, entry };
  };

  let broken = new Map<string, string>();
  let subscriber: Redis | Cluster | undefined;
  const watch = createChangeWatch({
    signature: async () => String(await client.get(keys.rev)),
    interval: options.pollInterval ?? 1_000,
    onError: options.onError,
    start(poke) {
      // A connection of its own: one that subscribed can send nothing else.
      const connection = client.duplicate();
      subscriber = connection;
      connection.on('message', poke);
      // (Re)subscribes on every connection; with no offline queue, a command sent before is lost.
      const subscribed = new Promise<void>((resolve) => {
        connection.on('ready', () => {
          connection.subscribe(channel).then(
            () => {
              resolve();
              poke();
            },
            () => undefined,
          );
        });
      });
      // Its failures show in the main connection's log lines; the revision poll covers the gap.
      connection.on('error', () => undefined);
      connection.connect().catch(() => undefined);
      return subscribed;
    },
    stop() {
      subscriber?.disconnect();
    },
  });

  return {
    kind: 'redis',
    async list() {
      const heads = await ask('list', () => client.hgetall(keys.head));
      const names = Object.keys(heads).filter(isSubgraphName).sort();
      const rows = await ask('list', () =>
        Promise.all(
          names.map((name) =>
            Promise.all([
              client.hget(keys.meta(name), heads[name]!),
              client.hget(keys.entry(name), heads[name]!),
            ]),
          ),
        ),
      );
      const found = await Promise.all(
        names.map(async (name, i) => {
          const [meta, entry] = rows[i]!;
          const head = meta && entry ? record(name, Number(heads[name]), meta, entry) : undefined;
          if (head !== undefined && !('problem' in head)) return { name, version: head, problems: [] };
          // The head cannot be read: the newest version that can.
          const versions = await all(name);
          const problems = versions.flatMap((v) => ('problem' in v ? [v.problem] : []));
          const version = versions.find((v): v is RegistryVersion => !('problem' in v));
          return { name, version, problems };
        }),
      );
      const next = new Map<string, string>();
      const current = currentVersions(found, next);
      broken = next;
      return current;
    },
    broken: () => broken,
    head: async (name) => Number((await ask('read', () => client.hget(keys.head, subgraphName(name)))) ?? 0),
    async versions(name) {
      return (await all(subgraphName(name))).filter((v): v is RegistryVersion => !('problem' in v));
    },
    publish: async (entry, meta, expected) =>
      append(subgraphName(entry.name), entry, meta, undefined, expected),
    async rollback(name, meta, to) {
      subgraphName(name);
      // Read, then a publish conditional on the head read: two rollbacks at once walk back in turn.
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const head = Number((await ask('read', () => client.hget(keys.head, name))) ?? 0);
        if (head === 0) throw notFound(`no subgraph ${name} in the registry`);
        const versions = await all(name);
        const current = versions.find((v): v is RegistryVersion => !('problem' in v));
        if (current === undefined) throw notFound(`no version of ${name} can be read`);
        const target = to ?? previousVersion(current);
        const restored = versions.find((v) => ('problem' in v ? false : v.version === target));
        if (restored === undefined || 'problem' in restored)
          throw notFound(`${name} has no version ${target} to restore (current: ${head})`);
        try {
          return await append(name, restored.entry, meta, target, head);
        } catch (error) {
          if (!(error instanceof RegistryConflict)) throw error;
        }
      }
      throw new GatehouseError('REGISTRY_UNAVAILABLE', `registry: ${name} kept changing; roll back again`);
    },
    watch: (listener) => watch.add(listener),
    ready: () => watch.ready,
    close: async () => watch.close(),
  };
}

function notFound(message: string): GatehouseError {
  return new GatehouseError('NOT_FOUND', `registry: ${message}`);
}
