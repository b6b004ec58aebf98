/**
 * The processes the harness starts, and only those: each is pinned to a core with `taskset` when
 * asked, logs to a file, and is stopped by its PID (SIGTERM, then SIGKILL after a grace period) on
 * exit, on errors and on Ctrl-C.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

const running = new Set<ChildProcess>();

let tasksetPath: string | null | undefined;

/** `taskset` when it is installed and there are at least two cores to split, else null. */
export function taskset(): string | null {
  if (tasksetPath === undefined) {
    try {
      tasksetPath = execFileSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).trim() || null;
    } catch {
      tasksetPath = null;
    }
  }
  return tasksetPath;
}

/** Pins this process (and so the children it starts later without a core of their own) to `cpu`. */
export function pinSelf(cpu: number): void {
  const path = taskset();
  if (path) execFileSync(path, ['-cp', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

export interface StartOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Core to pin the process to; undefined leaves it where the harness is. */
  cpu?: number;
  /** File that receives stdout and stderr; undefined keeps stdout readable by the caller. */
  logFile?: string;
}

/** Starts a child process. With taskset the PID is the command's own (taskset execs it). */
export function startChild(options: StartOptions): ChildProcess {
  const path = options.cpu === undefined ? null : taskset();
  const [command, args] = path
    ? [path, ['-c', String(options.cpu), options.command, ...options.args]]
    : [options.command, [...options.args]];
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (options.logFile) {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  } else {
    child.stderr?.resume();
  }
  return child;
}

/** Resolves with the first line the child prints on stdout, or rejects when it exits or times out. */
export function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => finish(new Error(`no output within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const end = buffer.indexOf('\n');
      if (end >= 0) finish(undefined, buffer.slice(0, end));
    };
    const onExit = (code: number | null) => finish(new Error(`exited with code ${code} before it was ready`));
    const finish = (error?: Error, line?: string) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.stdout?.resume(); // keep draining what follows
      if (error) reject(error);
      else resolve(line ?? '');
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Stops one child by its PID: SIGTERM, then SIGKILL when it has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every child still running. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

/** Last resort on process exit: synchronous, so SIGKILL to each PID still running. */
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A free TCP port on 127.0.0.1 (the kernel's pick; released before the target binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
