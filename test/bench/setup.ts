/**
 * Everything a run needs before it measures: the bench subgraphs in their own process, the files
 * the targets read (supergraph with the subgraphs' URLs, Gatehouse's YAML config, the POST bodies),
 * and each target started, waited for and checked.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { FIXTURE_DIR } from '../../subgraphs/bench/data.ts';
import { type BenchSubgraphName, benchSubgraphNames } from '../../subgraphs/bench/schemas.ts';
import { writeCachedConfig } from './cached.ts';
import { checkTarget, post, type SubgraphCounters, subgraphCounters, waitReady } from './check.ts';
import { firstLine, freePort, startChild, stopChild } from './children.ts';
import { createJwtFixture, type JwtFixture } from './jwt.ts';
import { type LimitedConfigs, writeLimitedConfigs } from './limits.ts';
import { type BenchRedis, startBenchRedis } from './redis.ts';
import { PROFILED_TARGETS, REPO_ROOT, type TargetName, targets } from './targets.ts';
import { loadWorkloads, type Workload, type WorkloadName } from './workloads.ts';

/** Cores: the load generator, the subgraphs and the harness on one, each target on the other. */
export const LOAD_CPU = 0;
export const TARGET_CPU = 1;

/** Operations each check sends, one after the other. */
const CHECKS = 3;

/** Environment of every target: production mode, quiet logs. */
const TARGET_ENV = { ...process.env, NODE_ENV: 'production', GATEHOUSE_LOG_LEVEL: 'warn' };

export interface BenchEnvironment {
  workDir: string;
  subgraphsPid: number;
  subgraphUrls: Record<BenchSubgraphName, string>;
  counters: SubgraphCounters;
  supergraphFile: string;
  gatehouseConfigFile: string;
  /** Keys, secured config and tokens of `gatehouse-secured` and the JWT scenarios. */
  jwt: JwtFixture;
  /** Configs of `gatehouse-limited` and `gatehouse-limited-redis` (field limits that never trip). */
  limits: LimitedConfigs;
  /** Config of `gatehouse-cached` (a warm response cache). */
  cachedConfigFile: string;
  /** Config of `gatehouse-entity-cached` (a warm entity cache, no response cache). */
  entityCachedConfigFile: string;
  /** The Redis of `gatehouse-limited-redis`, when asked for and installed. */
  redis?: BenchRedis;
  /** Why there is no Redis although one was asked for: the Redis target is skipped. */
  redisMissing?: string;
  workloads: Record<WorkloadName, Workload>;
  bodyFiles: Record<WorkloadName, string>;
  close(): Promise<void>;
}

/**
 * `tokenPoolSize`: load tokens to sign (in a worker thread) for the JWT scenarios; 0 for none.
 * `redis`: start a redis-server for `gatehouse-limited-redis`.
 */
export async function startEnvironment(
  tokenPoolSize: number,
  options: { redis?: boolean } = {},
): Promise<BenchEnvironment> {
  const workDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  // Also when the run is interrupted (Ctrl-C ends the process before close() runs).
  process.once('exit', () => rmSync(workDir, { recursive: true, force: true }));
  const subgraphs = startChild({
    command: process.execPath,
    args: ['--import', 'tsx', 'test/bench/servers/subgraphs.ts'],
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let redis: BenchRedis | undefined;
  const close = async () => {
    await stopChild(subgraphs);
    await redis?.stop();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const subgraphUrls = JSON.parse(await firstLine(subgraphs, 60_000)) as Record<BenchSubgraphName, string>;
    const supergraph = readFileSync(join(FIXTURE_DIR, 'supergraph.graphql'), 'utf8').replace(
      /@join__graph\(name: "(\w+)", url: "[^"]*"\)/g,
      (whole, name: string) =>
        name in subgraphUrls
          ? `@join__graph(name: "${name}", url: "${subgraphUrls[name as BenchSubgraphName]}")`
          : whole,
    );
    const supergraphFile = join(workDir, 'supergraph.graphql');
    writeFileSync(supergraphFile, supergraph);
    const gatehouseConfigFile = join(workDir, 'gatehouse.config.yaml');
    writeFileSync(
      gatehouseConfigFile,
      stringify({
        server: { host: '127.0.0.1', graphiql: false },
        subgraphs: benchSubgraphNames.map((name) => ({ name, kind: 'federation', url: subgraphUrls[name] })),
      }),
    );
    const jwt = createJwtFixture(workDir, subgraphUrls, tokenPoolSize);
    const workloads = loadWorkloads();
    let redisMissing: string | undefined;
    if (options.redis) {
      const started = await startBenchRedis();
      if ('missing' in started) redisMissing = started.missing;
      else redis = started;
    }
    const limits = writeLimitedConfigs(
      workDir,
      subgraphUrls,
      supergraph,
      (JSON.parse(workloads.testquery.body) as { query: string }).query,
      redis?.url,
    );
    const cachedConfigFile = writeCachedConfig(
      workDir,
      subgraphUrls,
      supergraph,
      (JSON.parse(workloads.testquery.body) as { query: string }).query,
    );
    const entityCachedConfigFile = writeCachedConfig(
      workDir,
      subgraphUrls,
      supergraph,
      (JSON.parse(workloads.testquery.body) as { query: string }).query,
      'entities',
    );
    const bodyFiles = {} as Record<WorkloadName, string>;
    for (const w of Object.values(workloads)) {
      bodyFiles[w.name] = join(workDir, `${w.name}.json`);
      writeFileSync(bodyFiles[w.name], w.body);
    }
    return {
      workDir,
      subgraphsPid: subgraphs.pid ?? 0,
      subgraphUrls,
      counters: subgraphCounters(subgraphUrls),
      supergraphFile,
      gatehouseConfigFile,
      jwt,
      limits,
      cachedConfigFile,
      entityCachedConfigFile,
      ...(redis !== undefined && { redis }),
      ...(redisMissing !== undefined && { redisMissing }),
      workloads,
      bodyFiles,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface RunningTarget {
  name: TargetName;
  url: string;
  pid: number;
  child: ChildProcess;
  startupS: number;
  /** Subgraph requests one operation of each workload costs, counted during the check. */
  subgraphRequestsPerOp: Partial<Record<WorkloadName, number>>;
  /** The same, per subgraph. */
  subgraphRequestsBySubgraph: Partial<Record<WorkloadName, Record<string, number>>>;
  /** What one TestQuery asks of Redis, counted during the check (targets with `needsRedis`). */
  redisPerOp?: RedisPerOp;
}

/** Redis work for one operation sent alone: scripts run, and round trips (server reads). */
export interface RedisPerOp {
  scripts: number;
  roundTrips: number;
}

/** A target that cannot run here (its Redis is not installed): reported as skipped, not failed. */
export class TargetSkipped extends Error {}

/**
 * Until an operation's checks reach Redis (at most 30 s): the gateway answers before its Redis
 * connection is ready, counting in the process meanwhile (and leaving Redis alone for a second
 * after each failure), and the checks and the load must measure Redis.
 */
async function waitForRedis(url: string, workload: Workload, redis: BenchRedis): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const before = await redis.counters();
    await post(url, workload.body);
    if ((await redis.counters()).scripts > before.scripts) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('its rate-limit checks never reached Redis within 30 s; see its log');
}

/** Starts one target on the target core, waits for it and checks its answers; stops it if wrong. */
/** Runs `task` after every task handed to it before has ended. */
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

export async function startTarget(
  name: TargetName,
  env: BenchEnvironment,
  options: {
    pin: boolean;
    logFile: string;
    cpuProfDir?: string;
    nodeFlags?: readonly string[];
    compareDir?: string;
    built?: boolean;
  },
): Promise<RunningTarget> {
  const spec = targets[name];
  if (spec.needsRedis && env.redis === undefined)
    throw new TargetSkipped(env.redisMissing ?? 'no redis-server was started for this run');
  const port = await freePort();
  // Profiling and Node flags apply to Gatehouse as built here (security on, limits on).
  const tuned = PROFILED_TARGETS.includes(name);
  const cpuProfDir =
    options.cpuProfDir !== undefined && tuned
      ? name === 'gatehouse'
        ? options.cpuProfDir
        : join(options.cpuProfDir, name)
      : undefined;
  if (cpuProfDir !== undefined) mkdirSync(cpuProfDir, { recursive: true });
  const authorize = spec.requiresJwt ? () => env.jwt.authorization() : undefined;
  const {
    args,
    cwd,
    env: targetEnv,
  } = spec.command({
    port,
    supergraphFile: env.supergraphFile,
    gatehouseConfigFile: env.gatehouseConfigFile,
    securedConfigFile: env.jwt.securedConfigFile,
    limitedConfigFile: env.limits.memoryFile,
    cachedConfigFile: env.cachedConfigFile,
    entityCachedConfigFile: env.entityCachedConfigFile,
    ...(env.limits.redisFile !== undefined && { limitedRedisConfigFile: env.limits.redisFile }),
    ...(cpuProfDir !== undefined && { cpuProfDir }),
    ...(options.nodeFlags !== undefined && tuned && { nodeFlags: options.nodeFlags }),
    ...(options.compareDir !== undefined && { compareDir: options.compareDir }),
    ...(options.built && { built: true }),
  });
  const started = performance.now();
  const child = startChild({
    command: process.execPath,
    args,
    cwd,
    env: targetEnv ? { ...TARGET_ENV, ...targetEnv } : TARGET_ENV,
    logFile: options.logFile,
    ...(options.pin && { cpu: TARGET_CPU }),
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`exited with code ${code}; see ${options.logFile}`))),
    );
    exited.catch(() => {});
    const first = env.workloads[spec.workloads[0]!];
    // Targets started together (quick runs) boot at once, but are checked one at a time: the
    // subgraphs' counters are shared, and a check counts exactly only while nothing else runs
    // (readiness probes included). A quick run's startup times include that wait.
    return await oneAtATime(async () => {
      await Promise.race([waitReady(url, first, 120_000, authorize), exited]);
      const startupS = (performance.now() - started) / 1000;
      if (spec.needsRedis) await waitForRedis(url, first, env.redis!);
      const subgraphRequestsPerOp: RunningTarget['subgraphRequestsPerOp'] = {};
      const subgraphRequestsBySubgraph: RunningTarget['subgraphRequestsBySubgraph'] = {};
      let redisPerOp: RedisPerOp | undefined;
      for (const workload of spec.workloads) {
        const redisBefore = spec.needsRedis ? await env.redis?.counters() : undefined;
        const check = await checkTarget(url, env.workloads[workload], env.counters, CHECKS, authorize);
        if (check.problem) throw new Error(`${env.workloads[workload].label}: ${check.problem}`);
        subgraphRequestsPerOp[workload] = check.subgraphRequestsPerOp;
        subgraphRequestsBySubgraph[workload] = check.bySubgraph;
        if (redisBefore !== undefined && workload === 'testquery') {
          const after = await env.redis!.counters();
          redisPerOp = {
            scripts: (after.scripts - redisBefore.scripts) / CHECKS,
            // Less the reading of the counters itself (one read).
            roundTrips: (after.reads - redisBefore.reads - 1) / CHECKS,
          };
        }
      }
      return {
        name,
        url,
        pid: child.pid ?? 0,
        child,
        startupS,
        subgraphRequestsPerOp,
        subgraphRequestsBySubgraph,
        ...(redisPerOp !== undefined && { redisPerOp }),
      };
    });
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
