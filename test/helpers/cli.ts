/**
 * Test helpers for the `gatehouse` command: runs `node bin/gatehouse-dev.mjs ...` (the sources, through tsx) as a child process
 * (the real entry point, signals and exit codes included) and reads its output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/gatehouse-dev.mjs', import.meta.url));
const BATCH = fileURLToPath(new URL('./cli-batch.ts', import.meta.url));
/** Bounds every wait, so that a hung child fails the test instead of blocking the suite. */
const WAIT_LIMIT = 60_000; // 60 s

export interface GatehouseProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first match of `pattern` in stderr; rejects if the process exits first. */
  waitForStderr(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Waits for the "listening on <url>" log line and returns the URL. */
  listening(): Promise<string>;
  /** Kills the child by its PID if it is still running (for `finally`). */
  kill(): void;
}

/** The test process's environment without its `GATEHOUSE_*` variables, at log level info. */
function childEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUSE_'));
  return { ...Object.fromEntries(inherited), GATEHOUSE_LOG_LEVEL: 'info', ...env };
}

export interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** The script node runs. @default bin/gatehouse-dev.mjs (the sources) */
  bin?: string;
}

/** Starts `gatehouse <args>`; `GATEHOUSE_*` variables of the test process are not passed on. */
export function spawnGatehouse(args: string[], options: SpawnOptions = {}): GatehouseProcess {
  const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
    cwd: options.cwd,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
    for (const listener of listeners) listener();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );

  const waitForStderr = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const done = () => {
        listeners.delete(check);
        clearTimeout(timer);
      };
      const check = () => {
        const match = pattern.exec(err);
        if (match) {
          done();
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} in stderr within ${WAIT_LIMIT} ms:\n${err}`));
      }, WAIT_LIMIT);
      listeners.add(check);
      check();
      exited.then(({ code }) => {
        done();
        reject(new Error(`gatehouse exited (${code}) before ${pattern} appeared:\n${err}`));
      });
    });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStderr,
    listening: async () => (await waitForStderr(/listening on (http:\/\/\S+)/))[1]!,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
      }
    },
  };
}

/** Runs `gatehouse <args>` to completion. */
export async function runGatehouse(
  args: string[],
  options: SpawnOptions = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = spawnGatehouse(args, options);
  try {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gatehouse ${args.join(' ')} still running`)), WAIT_LIMIT);
    });
    const { code } = await Promise.race([run.exited, limit]).finally(() => clearTimeout(timer));
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  } finally {
    run.kill();
  }
}

/** One command line of `runGatehouseBatch`. */
export interface CliRun {
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs commands that end on their own (compose, --help, errors) one after the other in one child
 * process (test/helpers/cli-batch.ts), each as `gatehouse <args>` would: its exit code, stdout and
 * stderr. About 3 s of CPU saved per command; `runGatehouse` remains the test of a real process's
 * exit (no handle left open).
 */
export async function runGatehouseBatch(runs: CliRun[]): Promise<CliResult[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', BATCH, JSON.stringify(runs)], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([
      new Promise<number | null>((resolve) => child.once('close', resolve)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`gatehouse batch still running:\n${err}`)), WAIT_LIMIT);
      }),
    ]);
    if (code !== 0) throw new Error(`gatehouse batch exited ${code}:\n${err}`);
    return JSON.parse(out) as CliResult[];
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
