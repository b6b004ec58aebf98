/**
 * The targets of the benchmark: what each one is, which workloads it serves, and the command that
 * starts it as one process listening on `127.0.0.1:<port>/graphql`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkloadName } from './workloads.ts';

export const targetNames = [
  'gatehouse',
  'gatehouse-secured',
  'gatehouse-limited',
  'gatehouse-limited-redis',
  'gatehouse-cached',
  'gatehouse-entity-cached',
  'gatehouse-stitching',
  'gatehouse-b',
  'apollo',
  'hive',
  'hive-router',
  'monolith',
  'subgraph-direct',
] as const;
export type TargetName = (typeof targetNames)[number];

/** Gatehouse as built here, with a feature on or not: `--cpu-prof` and `--node-flags` apply to these. */
export const PROFILED_TARGETS: readonly TargetName[] = [
  'gatehouse',
  'gatehouse-secured',
  'gatehouse-limited',
  'gatehouse-limited-redis',
  'gatehouse-cached',
  'gatehouse-entity-cached',
];

/**
 * What the targets with field rate limits run: the headline, and one connection (where Redis's
 * round trip shows in the latency). Their cost on the other scenarios is the same per operation.
 */
const LIMITED_SCENARIOS = ['testquery-50-unique', 'testquery-1'];

/** Root of the repository; every command runs from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the peer gateways are installed, with their own package.json and lock file. */
export const PEERS_DIR = fileURLToPath(new URL('./peers/', import.meta.url));

export interface TargetContext {
  port: number;
  /** The fixture's supergraph with the URLs of the running bench subgraphs. */
  supergraphFile: string;
  /** Gatehouse's YAML config naming the four federation subgraphs. */
  gatehouseConfigFile: string;
  /** The same with auth (required JWT) and field policies on TestQuery's fields (`jwt.ts`). */
  securedConfigFile: string;
  /** The plain one with a field rate limit on every field TestQuery selects (`limits.ts`). */
  limitedConfigFile: string;
  /** The same kept in Redis; absent when no Redis runs (the target is then skipped). */
  limitedRedisConfigFile?: string;
  /** The plain one with a cache policy on every field TestQuery selects (`cached.ts`). */
  cachedConfigFile: string;
  /** The same with the entity cache alone (`cached.ts`). */
  entityCachedConfigFile: string;
  /** When set, Gatehouse runs under `node --cpu-prof` and writes its profile here. */
  cpuProfDir?: string;
  /** Extra Node flags for Gatehouse. */
  nodeFlags?: readonly string[];
  /** Checkout that `gatehouse-b` runs (`--compare <dir>`). */
  compareDir?: string;
  /**
   * Gatehouse runs its compiled JavaScript (`bin/gatehouse.mjs`, dist/ built by the harness just
   * before), as in production; otherwise the sources through tsx (quick runs: no build step).
   */
  built?: boolean;
}

export interface TargetSpec {
  name: TargetName;
  /** What the reports call it. */
  label: string;
  /** True when it lives in test/bench/peers (installed on first use). */
  peer: boolean;
  workloads: readonly WorkloadName[];
  /**
   * Answers only requests with a valid JWT (HTTP 401 otherwise): runs only the scenarios that
   * send JWTs, and the harness's checks send it one.
   */
  requiresJwt?: true;
  /** Runs only these scenarios (ids); undefined: every scenario of its workloads. */
  scenarios?: readonly string[];
  /** Needs the Redis the harness starts (skipped when redis-server is not installed). */
  needsRedis?: true;
  command(context: TargetContext): { args: string[]; cwd: string; env?: Record<string, string> };
}

const tsx = ['--import', 'tsx'];

export const targets: Record<TargetName, TargetSpec> = {
  gatehouse: {
    name: 'gatehouse',
    label: 'Gatehouse',
    peer: false,
    workloads: ['testquery', 'testquery-x2', 'small'],
    command: (c) => ({
      cwd: REPO_ROOT,
      args: [
        ...(c.nodeFlags ?? []),
        ...(c.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${c.cpuProfDir}`] : []),
        // Compiled, as in production (full runs build dist/ first); quick runs use the sources.
        c.built ? 'bin/gatehouse.mjs' : 'bin/gatehouse-dev.mjs',
        '--config',
        c.gatehouseConfigFile,
        '--port',
        String(c.port),
      ],
    }),
  },
  'gatehouse-secured': {
    name: 'gatehouse-secured',
    label: 'Gatehouse with JWT auth and field policies',
    peer: false,
    workloads: ['testquery'],
    requiresJwt: true,
    command: (c) => targets.gatehouse.command({ ...c, gatehouseConfigFile: c.securedConfigFile }),
  },
  'gatehouse-limited': {
    name: 'gatehouse-limited',
    label: 'Gatehouse with field rate limits that never trip (memory store)',
    peer: false,
    workloads: ['testquery'],
    scenarios: LIMITED_SCENARIOS,
    command: (c) => targets.gatehouse.command({ ...c, gatehouseConfigFile: c.limitedConfigFile }),
  },
  'gatehouse-limited-redis': {
    name: 'gatehouse-limited-redis',
    label: 'Gatehouse with field rate limits that never trip (Redis store)',
    peer: false,
    workloads: ['testquery'],
    scenarios: LIMITED_SCENARIOS,
    needsRedis: true,
    command: (c) => {
      if (c.limitedRedisConfigFile === undefined) throw new Error('gatehouse-limited-redis needs a Redis');
      return targets.gatehouse.command({ ...c, gatehouseConfigFile: c.limitedRedisConfigFile });
    },
  },
  'gatehouse-cached': {
    name: 'gatehouse-cached',
    label: 'Gatehouse with a warm response cache (every field TestQuery selects cacheable)',
    peer: false,
    workloads: ['testquery'],
    scenarios: LIMITED_SCENARIOS,
    command: (c) => targets.gatehouse.command({ ...c, gatehouseConfigFile: c.cachedConfigFile }),
  },
  'gatehouse-entity-cached': {
    name: 'gatehouse-entity-cached',
    label: 'Gatehouse with a warm entity cache (no response cache: root fetches only)',
    peer: false,
    workloads: ['testquery'],
    scenarios: LIMITED_SCENARIOS,
    command: (c) => targets.gatehouse.command({ ...c, gatehouseConfigFile: c.entityCachedConfigFile }),
  },
  'gatehouse-stitching': {
    name: 'gatehouse-stitching',
    label: 'Gatehouse, stitching engine',
    peer: false,
    workloads: ['testquery', 'testquery-x2', 'small'],
    command: (c) => ({
      ...targets.gatehouse.command(c),
      env: { GATEHOUSE_ENGINE: 'stitching' },
    }),
  },
  'gatehouse-b': {
    name: 'gatehouse-b',
    label: 'Gatehouse, the other checkout (--compare)',
    peer: false,
    workloads: ['testquery', 'testquery-x2', 'small'],
    command: (c) => {
      if (c.compareDir === undefined) throw new Error('gatehouse-b needs --compare <dir>');
      return {
        cwd: c.compareDir,
        args: [
          ...(c.nodeFlags ?? []),
          // A checkout from before bin/gatehouse-dev.mjs ran its sources with bin/gatehouse.mjs.
          existsSync(join(c.compareDir, 'bin/gatehouse-dev.mjs'))
            ? 'bin/gatehouse-dev.mjs'
            : 'bin/gatehouse.mjs',
          '--config',
          c.gatehouseConfigFile,
          '--port',
          String(c.port),
        ],
      };
    },
  },
  apollo: {
    name: 'apollo',
    label: 'Apollo Gateway 2 (Apollo Server 4)',
    peer: true,
    workloads: ['testquery', 'testquery-x2', 'small'],
    command: (c) => ({ cwd: PEERS_DIR, args: ['apollo.mjs', String(c.port), c.supergraphFile] }),
  },
  hive: {
    name: 'hive',
    label: 'Hive Gateway',
    peer: true,
    workloads: ['testquery', 'testquery-x2', 'small'],
    command: (c) => ({ cwd: PEERS_DIR, args: ['hive.mjs', String(c.port), c.supergraphFile] }),
  },
  'hive-router': {
    name: 'hive-router',
    label: 'Hive Gateway + router-runtime',
    peer: true,
    workloads: ['testquery', 'testquery-x2', 'small'],
    command: (c) => ({
      cwd: PEERS_DIR,
      args: ['hive.mjs', String(c.port), c.supergraphFile, 'router-runtime'],
    }),
  },
  monolith: {
    name: 'monolith',
    label: 'graphql-js monolith (no federation)',
    peer: false,
    workloads: ['testquery', 'testquery-x2', 'small'],
    command: (c) => ({
      cwd: REPO_ROOT,
      args: [...tsx, 'test/bench/servers/monolith.ts', String(c.port)],
    }),
  },
  'subgraph-direct': {
    name: 'subgraph-direct',
    label: 'products subgraph, direct',
    peer: false,
    workloads: ['small'],
    command: (c) => ({
      cwd: REPO_ROOT,
      args: [...tsx, 'test/bench/servers/products-subgraph.ts', String(c.port)],
    }),
  },
};
