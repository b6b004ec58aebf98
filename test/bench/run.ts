/**
 * `npm run bench`: Gatehouse side by side with Apollo Gateway, Hive Gateway (with and without the
 * router runtime) and a graphql-js monolith, on the federation benchmark fixture, in interleaved
 * rounds. Results go to the terminal and to bench-results/ (JSON, Markdown, SVG chart).
 * `npm run bench -- --help` lists the options; docs/performance.md explains the method.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join, relative } from 'node:path';
import { idleRunProblems } from './check.ts';
import { pinSelf, stopAllChildren, taskset } from './children.ts';
import { type TokenPool, tokenPoolSize } from './jwt.ts';
import { pickLoadGenerator } from './load/index.ts';
import { measure, type RunSample } from './measure.ts';
import { type BenchOptions, parseBenchOptions, USAGE } from './options.ts';
import { ensurePeers } from './peers.ts';
import { waitIdle } from './proc.ts';
import { type CpuProfile, summariseProfiles } from './profile/summary.ts';
import { createProgress } from './progress.ts';
import type { BenchResults, TargetStatus } from './report/model.ts';
import { chartSvg } from './report/svg.ts';
import { markdownReport, terminalReport } from './report/text.ts';
import {
  type BenchEnvironment,
  LOAD_CPU,
  type RunningTarget,
  startEnvironment,
  startTarget,
  TargetSkipped,
} from './setup.ts';
import { summarise } from './stats.ts';
import { PROFILED_TARGETS, REPO_ROOT, type TargetName, targets } from './targets.ts';
import { HEADLINE_SCENARIO, scenarios } from './workloads.ts';

const progress = createProgress();
/** Longest wait for a target to finish what the previous run left in flight. */
const IDLE_WAIT_MS = 30_000;

/**
 * Starts and checks every target: one after the other (so each startup time is its own), or all
 * at once in quick runs, where only the answers matter.
 */
async function startTargets(options: BenchOptions, env: BenchEnvironment, pin: boolean) {
  const startOne = async (name: TargetName): Promise<[TargetStatus, RunningTarget | undefined]> => {
    progress.update(`starting and checking ${name}`);
    try {
      const target = await startTarget(name, env, {
        pin,
        logFile: join(options.outDir, 'logs', `${name}.log`),
        ...(options.cpuProf && { cpuProfDir: join(options.outDir, 'profile') }),
        nodeFlags: options.nodeFlags,
        ...(options.compareDir !== undefined && { compareDir: options.compareDir }),
        built: !options.quick,
      });
      progress.log(`${name}: answers are correct (ready in ${target.startupS.toFixed(1)} s)`);
      const status: TargetStatus = {
        name,
        label: targets[name].label,
        status: 'measured',
        startupS: target.startupS,
        ...(target.subgraphRequestsBySubgraph.testquery && {
          testQueryFetches: target.subgraphRequestsBySubgraph.testquery,
        }),
        ...(target.redisPerOp && { redis: { ...target.redisPerOp } }),
      };
      if (target.redisPerOp)
        progress.log(
          `${name}: one TestQuery runs ${target.redisPerOp.scripts} rate-limit scripts in ${target.redisPerOp.roundTrips} Redis round trip(s)`,
        );
      return [status, target];
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      const status = error instanceof TargetSkipped ? 'skipped' : 'failed';
      progress.log(`${name}: ${status.toUpperCase()}, not measured: ${problem}`);
      return [{ name, label: targets[name].label, status, problem }, undefined];
    }
  };
  const started: [TargetStatus, RunningTarget | undefined][] = [];
  if (options.quick) started.push(...(await Promise.all(options.targets.map(startOne))));
  else for (const name of options.targets) started.push(await startOne(name));
  return {
    statuses: started.map(([status]) => status),
    running: started.map(([, target]) => target).filter((t): t is RunningTarget => t !== undefined),
  };
}

async function bench(options: BenchOptions): Promise<number> {
  const startedAt = new Date().toISOString();
  const loadAverageBefore = loadavg()[0] ?? 0;
  mkdirSync(join(options.outDir, 'logs'), { recursive: true });
  const pin = options.pin && taskset() !== null && cpus().length >= 2;
  if (pin) pinSelf(LOAD_CPU);
  if (options.targets.some((t) => targets[t].peer)) await ensurePeers(progress.log);
  const generator = pickLoadGenerator(options.loader);
  progress.log(
    `load generator: ${generator.version}; ${pin ? 'targets pinned to core 1' : 'no core pinning'}`,
  );

  const chosen = scenarios.filter((s) => options.scenarios.includes(s.id));
  progress.update('starting the bench subgraphs');
  // The JWT scenarios' tokens are signed in a worker thread meanwhile (build, target startup).
  const env: BenchEnvironment = await startEnvironment(
    chosen.some((s) => s.jwt) ? tokenPoolSize(options.rounds, options.duration) : 0,
    { redis: options.targets.some((t) => targets[t].needsRedis) },
  );
  try {
    if (!options.quick && options.targets.some((t) => t.startsWith('gatehouse') && t !== 'gatehouse-b')) {
      // Production runs compiled JavaScript: measure that (dist/ from these sources, built now).
      progress.update('building dist/ (npm run build)');
      const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
      if (build.status !== 0) throw new Error('npm run build failed; run it to see why');
    }
    const { statuses, running } = await startTargets(options, env, pin);
    // Redis serves only gatehouse-limited-redis: its counters over the runs are that target's.
    const redisAtStart = await env.redis?.counters();

    const samples: RunSample[] = [];
    const warnings: string[] = [];
    // Per target, the next load token: a process never gets one token twice (it would be
    // answered from the verification cache), across rounds and scenarios.
    const nextToken = new Map<TargetName, number>();
    let pool: TokenPool | undefined;
    const pauseMs = options.quick ? 100 : 500;
    for (let round = 0; round < options.rounds; round++) {
      for (const scenario of chosen) {
        for (const target of running) {
          const spec = targets[target.name];
          if (!spec.workloads.includes(scenario.workload)) continue;
          if (spec.requiresJwt && !scenario.jwt) continue;
          if (spec.scenarios !== undefined && !spec.scenarios.includes(scenario.id)) continue;
          if (scenario.jwt && pool === undefined) {
            progress.update('signing the JWTs of the load');
            pool = await env.jwt.pool;
          }
          const warmup = round === 0 && options.rounds > 1 ? ' (warm-up)' : '';
          progress.update(
            `round ${round + 1}/${options.rounds}${warmup} · ${scenario.label} · ${target.name}`,
          );
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
          // The previous run may have left the target (or the subgraphs) busy with abandoned requests.
          await waitIdle(target.pid, IDLE_WAIT_MS);
          await waitIdle(env.subgraphsPid, IDLE_WAIT_MS);
          const sample = await measure({
            round,
            scenario,
            workload: env.workloads[scenario.workload],
            target: target.name,
            url: target.url,
            pid: target.pid,
            bodyFile: env.bodyFiles[scenario.workload],
            durationS: options.duration,
            generator,
            subgraphsPid: env.subgraphsPid,
            counters: env.counters,
            ...(spec.needsRedis && env.redis && { redisCpuSeconds: env.redis.cpuSeconds }),
            ...(scenario.jwt &&
              pool && {
                tokens: { file: pool.file, size: pool.size, start: nextToken.get(target.name) ?? 0 },
                authorize: env.jwt.authorization,
              }),
          });
          samples.push(sample);
          if (scenario.jwt && pool) {
            const start = nextToken.get(target.name) ?? 0;
            // Requests in flight when the load stopped (up to one per connection) had tokens too.
            const sent = sample.requests + sample.timeouts + sample.socketErrors + scenario.connections;
            nextToken.set(target.name, start + sent);
            if (start <= pool.size && start + sent > pool.size) {
              const warning = `${target.name}: the pool of ${pool.size} JWTs ran out in round ${round + 1} (${scenario.id}); tokens were sent again, and a repeated token is answered from the gateway's verification cache, which flatters its CPU per request (raise TOKEN_RPS_BOUND in test/bench/jwt.ts)`;
              warnings.push(warning);
              progress.log(`WARNING ${warning}`);
            }
          }
          if (sample.sampleProblem) progress.log(`${target.name}, ${scenario.id}: ${sample.sampleProblem}`);
        }
      }
    }
    const redisAtEnd = await env.redis?.counters();
    progress.update('stopping the targets');
    await stopAllChildren();
    progress.done();

    const firstMeasuredRound = options.rounds > 1 ? 1 : 0;
    for (const status of statuses) {
      if (status.redis === undefined) continue;
      status.redis.cpuMsPerRequest = redisCpuMedians(samples, status.name, firstMeasuredRound);
      const served = samples
        .filter((s) => s.target === status.name)
        .reduce((n, s) => n + s.requests + s.sampled, 0);
      if (redisAtStart !== undefined && redisAtEnd !== undefined && served > 0)
        status.redis.underLoad = {
          scripts: (redisAtEnd.scripts - redisAtStart.scripts) / served,
          roundTrips: (redisAtEnd.reads - redisAtStart.reads - 1) / served,
        };
    }
    const perOp = new Map(running.map((t) => [t.name, t.subgraphRequestsPerOp]));
    const results: BenchResults = {
      startedAt,
      finishedAt: new Date().toISOString(),
      quick: options.quick,
      rounds: options.rounds,
      durationS: options.duration,
      firstMeasuredRound,
      machine: {
        cpuModel: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGiB: totalmem() / 2 ** 30,
        os: `${type()} ${release()}`,
        node: process.version,
        loadGenerator: generator.version,
        pinned: pin,
        loadAverageBefore,
        loadAverageAfter: loadavg()[0] ?? 0,
      },
      targets: statuses,
      scenarios: chosen,
      warnings,
      samples,
      summary: summarise(samples, firstMeasuredRound, (target, id) => {
        const workload = chosen.find((s) => s.id === id)?.workload;
        return (workload && perOp.get(target)?.[workload]) ?? null;
      }),
    };
    writeFileSync(join(options.outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(options.outDir, 'report.md'), markdownReport(results));
    writeFileSync(join(options.outDir, 'chart.svg'), chartSvg(results, [HEADLINE_SCENARIO, 'small-50']));
    process.stdout.write(`\n${terminalReport(results)}\n`);
    const shown = relative(REPO_ROOT, options.outDir);
    process.stdout.write(
      `Results: ${shown.startsWith('..') ? options.outDir : shown}/{results.json,report.md,chart.svg}\n`,
    );

    if (options.cpuProf) {
      for (const t of running.filter((r) => PROFILED_TARGETS.includes(r.name)))
        writeProfileSummary(options.outDir, samples, t.name);
    }

    const wrongUnderLoad = samples.filter((s) => s.sampledWrong > 0 || s.statusErrors > 0);
    const idle = idleRunProblems(samples);
    for (const problem of idle) progress.log(`no work done: ${problem}`);
    if (options.quick) {
      const failed = statuses.some((s) => s.status === 'failed');
      return failed || wrongUnderLoad.length > 0 || idle.length > 0 ? 1 : 0;
    }
    return statuses.find((s) => s.name === 'gatehouse')?.status === 'failed' ? 1 : 0;
  } finally {
    await stopAllChildren();
    await env.close();
  }
}

/** Median CPU ms per request of the target's Redis, per scenario, over the measured rounds. */
function redisCpuMedians(samples: readonly RunSample[], target: TargetName, firstMeasuredRound: number) {
  const byScenario: Record<string, number> = {};
  const ids = new Set(samples.filter((s) => s.target === target).map((s) => s.scenario));
  for (const id of ids) {
    const values = samples
      .filter((s) => s.target === target && s.scenario === id && s.round >= firstMeasuredRound)
      .flatMap((s) => (s.redisCpuMsPerRequest == null ? [] : [s.redisCpuMsPerRequest]))
      .sort((a, b) => a - b);
    if (values.length === 0) continue;
    const mid = Math.floor(values.length / 2);
    byScenario[id] = values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  }
  return byScenario;
}

/**
 * Summarises a Gatehouse target's CPU profile (written when it exited) into profile/summary.md
 * (`gatehouse`) or profile/<target>/summary.md.
 */
function writeProfileSummary(outDir: string, samples: readonly RunSample[], target: TargetName) {
  const dir = target === 'gatehouse' ? join(outDir, 'profile') : join(outDir, 'profile', target);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  if (files.length === 0) {
    progress.log(`no CPU profile in ${dir}: did ${target} exit cleanly?`);
    return;
  }
  const runs = samples.filter((s) => s.target === target && s.cpuMsPerRequest !== null);
  const responses = runs.reduce((n, s) => n + s.requests + s.sampled, 0);
  const cpuMs = runs.reduce((n, s) => n + s.cpuMsPerRequest! * (s.requests + s.sampled), 0);
  const profiles = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile);
  writeFileSync(
    join(dir, 'summary.md'),
    summariseProfiles(
      profiles,
      responses > 0 ? { requests: responses, cpuMsPerRequest: cpuMs / responses } : {},
    ),
  );
  progress.log(`CPU profile of ${target} summarised in ${join(dir, 'summary.md')}`);
}

const stopOnSignal = (signal: NodeJS.Signals) =>
  process.once(signal, () => {
    progress.log(`${signal}: stopping the processes the benchmark started`);
    void stopAllChildren().finally(() => process.exit(130));
  });
stopOnSignal('SIGINT');
stopOnSignal('SIGTERM');

try {
  const options = parseBenchOptions(process.argv.slice(2));
  if (options === 'help') process.stdout.write(USAGE);
  else {
    process.exitCode = await bench(options);
    // Then the reload drill (`npm run bench:reload`): 60 s of load while the supergraph file is
    // swapped every second; its report lands beside the others. Only in a full run: not with
    // --quick, an A/B (--compare), a choice of scenarios, or without the gatehouse target.
    const fullRun =
      !options.quick && options.compareDir === undefined && options.scenarios.length === scenarios.length;
    if (fullRun && options.targets.includes('gatehouse')) {
      progress.log('reload drill: 60 s of load while the supergraph file is swapped every second');
      const drill = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(REPO_ROOT, 'test/bench/reload.ts'), '--out', options.outDir],
        { cwd: REPO_ROOT, stdio: 'inherit' },
      );
      if (drill.status !== 0) process.exitCode ||= 1;
    }
  }
} catch (error) {
  progress.done();
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await stopAllChildren();
  process.exitCode = 2;
}
