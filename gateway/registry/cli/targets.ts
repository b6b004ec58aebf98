/**
 * Where the registry commands act: a running gateway's admin API (`--admin <url>`, the token in
 * $GATEHOUSE_ADMIN_TOKEN), or the store itself (`--registry <dir>`, or the `registry` of
 * `--config <file>`), checking against the store's subgraphs (and the config's, with --config).
 */
import { GatehouseError } from '../../../core/errors.ts';
import { subgraphLoader } from '../../../schema/loaders.ts';
import { loadConfig, type SubgraphConfig } from '../../config/index.ts';
import { upstreamSchema } from '../../config/schema.ts';
import { createUpstreamClient } from '../../http/index.ts';
import { silentLogger } from '../../logger/index.ts';
import { createRedisConnection } from '../../redis/index.ts';
import { createLoadContext } from '../../upstream/index.ts';
import type { CheckReport, FailOn } from '../check/index.ts';
import { createRegistryStore } from '../index.ts';
import { subgraphName } from '../names.ts';
import { checkEntry, publishEntry } from '../publish.ts';
import { redactVersion } from '../redact.ts';
import type { RegistryVersion } from '../store.ts';
import { adminRequest } from './admin-client.ts';
import { storeGraph } from './store-graph.ts';

/** A subgraph as `gatehouse subgraphs` lists it. */
export interface ListedSubgraph {
  name: string;
  source: 'registry' | 'config';
  /** The newest version in the store. */
  version?: number;
  /** The version the gateway serves, when one is (admin only). */
  versionInService?: number;
  author?: string;
  publishedAt?: string;
  inService?: boolean;
  reachable?: boolean;
  error?: string;
}

export interface RegistryTarget {
  check(entry: unknown, failOn?: FailOn): Promise<CheckReport>;
  publish(
    entry: unknown,
    force: boolean,
    failOn?: FailOn,
  ): Promise<{ report: CheckReport; version?: RegistryVersion; inService?: boolean }>;
  rollback(name: string, to: number | undefined): Promise<{ version: RegistryVersion; inService?: boolean }>;
  list(): Promise<ListedSubgraph[]>;
  /** The versions of one subgraph kept, newest first (`inService` through a gateway); NOT_FOUND when none. */
  versions(name: string): Promise<(RegistryVersion & { inService?: boolean })[]>;
  close(): Promise<void>;
}

/** The admin API of a running gateway. */
export function adminTarget(url: string, token: string, author: string): RegistryTarget {
  const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    adminRequest({ url, token, author }, method, path, body);
  return {
    check: async (entry, failOn) =>
      ((await call('POST', 'check', withFailOn(entry, failOn))) as { report: CheckReport }).report,
    async publish(entry, force, failOn) {
      return (await call(
        'POST',
        `subgraphs${force ? '?force=true' : ''}`,
        withFailOn(entry, failOn),
      )) as Awaited<ReturnType<RegistryTarget['publish']>>;
    },
    async rollback(name, to) {
      return (await call(
        'POST',
        `subgraphs/${encodeURIComponent(name)}/rollback`,
        to === undefined ? {} : { to },
      )) as {
        version: RegistryVersion;
        inService?: boolean;
      };
    },
    list: async () => ((await call('GET', 'subgraphs')) as { subgraphs: ListedSubgraph[] }).subgraphs,
    versions: async (name) =>
      (
        (await call('GET', `subgraphs/${encodeURIComponent(name)}/versions`)) as {
          versions: (RegistryVersion & { inService?: boolean })[];
        }
      ).versions,
    close: async () => undefined,
  };
}

/** The admin body: the entry, with `failOn` when given (the gateway does not store it). */
const withFailOn = (entry: unknown, failOn: FailOn | undefined) =>
  failOn === undefined ? entry : { ...(entry as Record<string, unknown>), failOn };

/** The store itself: `--registry <dir>`, or the config's `registry` (with its subgraphs checked against). */
export async function storeTarget(options: {
  directory?: string;
  configFile?: string;
  author: string;
}): Promise<RegistryTarget> {
  const config = options.directory === undefined ? await loadConfig(options.configFile) : undefined;
  if (config !== undefined && !config.registry.enabled && options.configFile !== undefined)
    throw new GatehouseError(
      'CONFIG_INVALID',
      `${options.configFile} does not turn the registry on (registry.enabled)`,
    );
  const redis =
    config?.registry.store === 'redis' && config.redis
      ? createRedisConnection({ ...config.redis })
      : undefined;
  await redis?.ready(config?.redis?.connectTimeout).catch(() => undefined);
  const store = createRegistryStore(
    config?.registry ?? {
      store: 'directory',
      directory: options.directory!,
      pollInterval: 1_000,
      maxVersions: 100,
    },
    { redis },
  );
  const client = createUpstreamClient(config?.upstream ?? upstreamSchema.parse({}), silentLogger);
  const context = createLoadContext(client);
  const load = (subgraph: SubgraphConfig) => subgraphLoader(subgraph)(context);
  // The graph as a gateway with this config and store would serve it (store-graph.ts).
  const target = () =>
    storeGraph({
      store,
      subgraphs: config?.subgraphs ?? [],
      allowOverride: config?.registry.allowOverride ?? [],
      context,
      load,
    });
  return {
    check: async (entry, failOn) => checkEntry(await target(), entry, undefined, failOn),
    publish: async (entry, force, failOn) =>
      publishEntry(await target(), store, {
        entry,
        author: options.author,
        force,
        ...(failOn !== undefined && { failOn }),
      }),
    rollback: async (name, to) => ({
      version: redactVersion(await store.rollback(name, { author: options.author }, to)),
    }),
    async list() {
      const listed = await store.list();
      const broken = store.broken();
      return listed.map((v) => ({
        name: v.name,
        source: 'registry' as const,
        version: v.version,
        author: v.author,
        publishedAt: v.publishedAt,
        ...(broken.has(v.name) && { error: broken.get(v.name) }),
      }));
    },
    async versions(name) {
      const versions = await store.versions(subgraphName(name));
      if (versions.length === 0) throw new GatehouseError('NOT_FOUND', `no subgraph ${name} in the registry`);
      return versions.map(redactVersion);
    },
    async close() {
      await store.close();
      await client.close();
      await redis?.close();
    },
  };
}
