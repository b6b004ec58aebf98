/**
 * The Redis of target `gatehouse-limited-redis`: a `redis-server` the harness starts on a free
 * loopback port (test/helpers/redis-server.ts, nothing saved to disk), on the harness's core, and
 * stops at the end (also when the run is interrupted). Its counters tell what the gateway asks of
 * it: scripts run, and reads (`total_reads_processed`: one per round trip, however many commands
 * a pipeline holds), and the CPU time it spends (`used_cpu_user` + `used_cpu_sys`, in µs: finer
 * than /proc's 10 ms ticks, which a run's few milliseconds of Redis work would fall between).
 */
import { Redis } from 'ioredis';
import { startRedis } from '../helpers/redis-server.ts';

export interface RedisCounters {
  /** Rate-limit scripts run (EVAL and EVALSHA calls). */
  scripts: number;
  /** Reads the server processed: one per round trip of a client. */
  reads: number;
}

export interface BenchRedis {
  url: string;
  /** CPU seconds redis-server has used so far (its main thread and the others). */
  cpuSeconds(): Promise<number>;
  /** Its counters now; the reading itself is one read and one command, counted in the next one. */
  counters(): Promise<RedisCounters>;
  stop(): Promise<void>;
}

const field = (text: string, name: string) => Number(new RegExp(`${name}[:=](\\d+)`).exec(text)?.[1] ?? 0);

/** Starts redis-server, or resolves with why it could not (not installed): the target is skipped. */
export async function startBenchRedis(): Promise<BenchRedis | { missing: string }> {
  let server: Awaited<ReturnType<typeof startRedis>>;
  try {
    server = await startRedis();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      missing: `redis-server could not be started (${why}); install it (apt-get install redis-server)`,
    };
  }
  // Synchronous SIGKILL on exit: an interrupted run leaves no redis-server behind.
  const onExit = () => void server.kill();
  process.once('exit', onExit);
  const observer = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await observer.connect();
  return {
    url: server.url,
    async cpuSeconds() {
      const text = await observer.info('cpu');
      const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1] ?? 0);
      return seconds('used_cpu_user') + seconds('used_cpu_sys');
    },
    async counters() {
      const text = String(await observer.call('INFO', 'stats', 'commandstats'));
      return {
        scripts: field(text, 'cmdstat_evalsha:calls') + field(text, 'cmdstat_eval:calls'),
        reads: field(text, 'total_reads_processed'),
      };
    },
    async stop() {
      process.off('exit', onExit);
      observer.disconnect();
      await server.stop();
    },
  };
}
