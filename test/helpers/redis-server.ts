/**
 * A real `redis-server` for the tests of the Redis adapters, on a free loopback port, with nothing
 * saved to disk. Tests stop it in `after` (`stop()`), and may kill it (SIGKILL, as a crash) and
 * restart it on the same port to test recovery.
 *
 * When redis-server is not installed, `redisMissing` holds the reason to skip, except in CI
 * (`process.env.CI`), where the tests must run: there it is false and `startRedis` fails.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

const installed = spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;

/** The reason to skip the Redis tests, or false to run them (always false in CI). */
export const redisMissing: string | false =
  installed || process.env.CI
    ? false
    : `${REDIS_SERVER} is not installed (apt-get install redis-server); skipped outside CI`;

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and waits for it to exit; safe to call twice. */
  stop(): Promise<void>;
  /** Kills the server (SIGKILL), as a crash, and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (empty: nothing was saved) and waits for PING. */
  restart(): Promise<void>;
}

/**
 * Starts redis-server on a free 127.0.0.1 port; resolves once it answers PING. `config` is the
 * text of a config file, written to a temporary file removed on stop (Sentinel needs one).
 */
export async function startRedis(
  extraArgs: readonly string[] = [],
  options: { config?: string } = {},
): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const configFile =
    options.config === undefined ? undefined : join(tmpdir(), `gatehouse-redis-${port}.conf`);
  if (configFile) writeFileSync(configFile, options.config!);

  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const argv = [...(configFile ? [configFile] : []), ...args, '--dir', tmpdir(), ...extraArgs];
    const started = spawn(REDIS_SERVER, argv, { stdio: 'ignore' });
    child = started;
    const failed = new Promise<never>((_, reject) => {
      started.once('error', reject);
      started.once('exit', (code) => reject(new Error(`redis-server exited with ${code} on port ${port}`)));
    });
    failed.catch(() => {});
    await Promise.race([waitForPing(port), failed]);
  };
  const end = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await end('SIGTERM');
      if (configFile) rmSync(configFile, { force: true });
    },
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGTERM');
      await start();
    },
  };
}

/**
 * A Sentinel (quorum 1) watching the master at 127.0.0.1:`masterPort` under `name`; with
 * `masterPassword` it signs in to a master that has one, with `password` it asks one of clients.
 */
export function startSentinel(
  masterPort: number,
  name = 'mymaster',
  options: { masterPassword?: string; password?: string } = {},
): Promise<RedisServer> {
  const lines = [`sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`];
  if (options.masterPassword !== undefined)
    lines.push(`sentinel auth-pass ${name} ${options.masterPassword}`);
  if (options.password !== undefined) lines.push(`requirepass ${options.password}`);
  return startRedis(['--sentinel'], { config: `${lines.join('\n')}\n` });
}

/**
 * A Redis Cluster of one node holding every slot, once its state is ok (the adapters' commands
 * are checked for slots all the same); `stop()` removes its nodes file too.
 */
export async function startRedisCluster(): Promise<RedisServer> {
  const nodesFile = join(tmpdir(), `gatehouse-cluster-${process.pid}-${Date.now()}-${++clusters}.conf`);
  const server = await startRedis([
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    nodesFile,
    // Else a lone node announces an empty host in CLUSTER SLOTS.
    '--cluster-announce-ip',
    '127.0.0.1',
  ]);
  const admin = new Redis(server.url);
  try {
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    for (
      let waited = 0;
      !/cluster_state:ok/.test(String(await admin.call('CLUSTER', 'INFO')));
      waited += 50
    ) {
      if (waited > 5_000) throw new Error('the one-node cluster is not ok within 5 s');
      await sleep(50);
    }
  } finally {
    admin.disconnect();
  }
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(nodesFile, { force: true });
    },
  };
}
let clusters = 0;

/** A port nothing listens on: bound on port 0, then closed. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Waits (up to 5 s) for `+PONG` from 127.0.0.1:port (or `-NOAUTH`: a server with a password). */
async function waitForPing(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await ping(port)) return;
    await sleep(50);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 5 s`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG') || answer.startsWith('-NOAUTH'));
    });
  });
}
