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
import { checkTarget, type SubgraphCounters, subgraphCounters, waitReady } from './check.ts';
import { firstLine, freePort, startChild, stopChild } from './children.ts';
import { createJwtFixture, type JwtFixture } from './jwt.ts';
import { REPO_ROOT, type TargetName, targets } from './targets.ts';
import { loadWorkloads, type Workload, type WorkloadName } from './workloads.ts';

/** Cores: the load generator, the subgraphs and the harness on one, each target on the other. */
export const LOAD_CPU = 0;
export const TARGET_CPU = 1;

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
  workloads: Record<WorkloadName, Workload>;
  bodyFiles: Record<WorkloadName, string>;
  close(): Promise<void>;
}

/** `tokenPoolSize`: load tokens to sign (in a worker thread) for the JWT scenarios; 0 for none. */
export async function startEnvironment(tokenPoolSize: number): Promise<BenchEnvironment> {
  const workDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  // Also when the run is interrupted (Ctrl-C ends the process before close() runs).
  process.once('exit', () => rmSync(workDir, { recursive: true, force: true }));
  const subgraphs = startChild({
    command: process.execPath,
    args: ['--import', 'tsx', 'test/bench/servers/subgraphs.ts'],
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const close = async () => {
    await stopChild(subgraphs);
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
}

/** Starts one target on the target core, waits for it and checks its answers; stops it if wrong. */
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
  const port = await freePort();
  // Profiling and Node flags apply to Gatehouse as built here, with and without security on.
  const tuned = name === 'gatehouse' || name === 'gatehouse-secured';
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
    await Promise.race([waitReady(url, first, 120_000, authorize), exited]);
    const startupS = (performance.now() - started) / 1000;
    const subgraphRequestsPerOp: RunningTarget['subgraphRequestsPerOp'] = {};
    const subgraphRequestsBySubgraph: RunningTarget['subgraphRequestsBySubgraph'] = {};
    for (const workload of spec.workloads) {
      const check = await checkTarget(url, env.workloads[workload], env.counters, 3, authorize);
      if (check.problem) throw new Error(`${env.workloads[workload].label}: ${check.problem}`);
      subgraphRequestsPerOp[workload] = check.subgraphRequestsPerOp;
      subgraphRequestsBySubgraph[workload] = check.bySubgraph;
    }
    return {
      name,
      url,
      pid: child.pid ?? 0,
      child,
      startupS,
      subgraphRequestsPerOp,
      subgraphRequestsBySubgraph,
    };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
