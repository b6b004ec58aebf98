/**
 * The configuration's rules across sections (run even when other parts are wrong, so every
 * problem is reported at once): subgraph names, delays in order, stores that need Redis, paths
 * that must not collide.
 */
import type { z } from 'zod';
import { checkAdminAuth } from './admin-schema.ts';
import { durationMs } from './duration.ts';
import { checkHeaderSubgraphs } from './headers-schema.ts';
import { checkMetricsPath } from './metrics-schema.ts';
import { checkUsageStore } from './usage-schema.ts';

/**
 * Rules across fields: retry delays in order, unique subgraph names, `subgraphErrors.subgraphs`
 * naming configured subgraphs, `supergraph` or `subgraphs` (at least one; with both, the file is
 * served and `subgraphs` says how to run and reach the subgraphs it names).
 */
export function crossCheck(
  config: {
    supergraph?: unknown;
    subgraphs?: unknown;
    loading?: unknown;
    subgraphErrors?: unknown;
    rateLimit?: unknown;
    cache?: unknown;
    admin?: unknown;
    auth?: unknown;
    server?: unknown;
    redis?: unknown;
    metrics?: unknown;
    registry?: unknown;
    usage?: unknown;
  },
  ctx: z.RefinementCtx,
): void {
  const loading = isPlain(config.loading) ? config.loading : {};
  const initialDelay = durationMs(loading.retryInitialDelay);
  const maxDelay = durationMs(loading.retryMaxDelay);
  if (initialDelay !== undefined && maxDelay !== undefined && initialDelay > maxDelay) {
    ctx.addIssue({
      code: 'custom',
      path: ['loading', 'retryInitialDelay'],
      message: `must not be longer than loading.retryMaxDelay (${maxDelay} ms); lower it or raise retryMaxDelay`,
    });
  }
  const subgraphs = Array.isArray(config.subgraphs) ? (config.subgraphs as unknown[]) : [];
  const seen = new Map<string, number>();
  subgraphs.forEach((subgraph, index) => {
    const name = isPlain(subgraph) ? subgraph.name : undefined;
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['subgraphs', index, 'name'],
        message: `duplicate subgraph name "${name}" (also subgraphs[${first}]); give each subgraph its own name`,
      });
    } else seen.set(name, index);
  });
  const errorPolicies = isPlain(config.subgraphErrors) ? config.subgraphErrors.subgraphs : undefined;
  if (isPlain(errorPolicies) && subgraphs.length > 0) {
    for (const name of Object.keys(errorPolicies)) {
      if (seen.has(name)) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['subgraphErrors', 'subgraphs', name],
        message: `names no subgraph; use one of ${[...seen.keys()].join(', ')}`,
      });
    }
  }
  checkHeaderSubgraphs(config, seen, ctx);
  checkRateLimitReferences(config, seen, ctx);
  checkCacheStore(config, ctx);
  checkAdminPath(config, ctx);
  checkAdminAuth(config, ctx);
  checkMetricsPath(config, ctx);
  checkRegistry(config, ctx);
  checkUsageStore(config, ctx);
  const registryOn = isPlain(config.registry) && config.registry.enabled === true;
  if (config.supergraph === undefined && subgraphs.length === 0 && !registryOn) {
    ctx.addIssue({
      code: 'custom',
      path: ['subgraphs'],
      message:
        'add at least one subgraph, point `supergraph` at a composed supergraph file, or turn the registry on (`registry.enabled`)',
    });
  }
}

/**
 * `admin.path` may not hold the GraphQL endpoint or a health path (they would need the admin
 * token), unless the admin endpoint has a port of its own.
 */
function checkAdminPath(config: { admin?: unknown; server?: unknown }, ctx: z.RefinementCtx): void {
  if (!isPlain(config.admin) || config.admin.enabled !== true || config.admin.port !== undefined) return;
  const path = typeof config.admin.path === 'string' ? config.admin.path : '/admin';
  const server = isPlain(config.server) ? config.server : {};
  const others = [
    ['server.graphqlPath', server.graphqlPath ?? '/graphql'],
    ['server.healthPath', server.healthPath ?? '/healthz'],
    ['server.readyPath', server.readyPath ?? '/readyz'],
  ] as const;
  for (const [name, other] of others) {
    if (typeof other !== 'string' || (other !== path && !other.startsWith(`${path}/`))) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['admin', 'path'],
      message: `"${path}" holds ${name} ("${other}"), which would then need the admin token; pick another path, e.g. /admin`,
    });
  }
}

/** `registry.store: redis` needs the `redis` connection; the registry composes, so no supergraph file. */
function checkRegistry(
  config: { registry?: unknown; redis?: unknown; supergraph?: unknown },
  ctx: z.RefinementCtx,
): void {
  if (!isPlain(config.registry) || config.registry.enabled !== true) return;
  if (config.registry.store === 'redis' && config.redis === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['registry', 'store'],
      message: 'is "redis" but no `redis` connection is configured; add `redis: { url: redis://... }`',
    });
  if (config.supergraph !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['registry', 'enabled'],
      message:
        'cannot serve a supergraph file and the registry together (a file is served as is, never composed); remove `supergraph` or turn the registry off',
    });
}

/** `cache.store: redis` needs the `redis` connection. */
function checkCacheStore(config: { cache?: unknown; redis?: unknown }, ctx: z.RefinementCtx): void {
  if (isPlain(config.cache) && config.cache.store === 'redis' && config.redis === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['cache', 'store'],
      message: 'is "redis" but no `redis` connection is configured; add `redis: { url: redis://... }`',
    });
}

/** `rateLimit.store: redis` needs the `redis` connection; `rateLimit.subgraphs` names subgraphs. */
function checkRateLimitReferences(
  config: { supergraph?: unknown; rateLimit?: unknown; redis?: unknown },
  subgraphs: ReadonlyMap<string, number>,
  ctx: z.RefinementCtx,
): void {
  if (!isPlain(config.rateLimit)) return;
  if (config.rateLimit.store === 'redis' && config.redis === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['rateLimit', 'store'],
      message: 'is "redis" but no `redis` connection is configured; add `redis: { url: redis://... }`',
    });
  }
  const limited = config.rateLimit.subgraphs;
  // With a supergraph file, the subgraphs it names are known only once it is read.
  if (!isPlain(limited) || config.supergraph !== undefined) return;
  for (const name of Object.keys(limited)) {
    if (subgraphs.has(name)) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['rateLimit', 'subgraphs', name],
      message: `names no subgraph; use one of ${[...subgraphs.keys()].join(', ')}`,
    });
  }
}

export function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The configuration as written by a user (defaults optional). */
