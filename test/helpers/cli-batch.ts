/**
 * Runs several `gatehouse` command lines one after the other in this one process, so that a test
 * pays the start of Node, tsx and the gateway's modules (about 3 s of CPU) once, not once per
 * command. Each run calls the CLI's `runCli` (what bin/run.mjs calls) with its own argv, working
 * directory and environment, and records the exit code it set, its stdout and its stderr.
 *
 * Only for commands that end on their own (compose, --help, errors): one that serves would keep
 * serving. Reads the runs as JSON from argv[2]; writes the results as JSON to stdout, then exits.
 * Started by `runGatehouseBatch` in cli.ts.
 */
import { fileURLToPath } from 'node:url';
import { runCli } from '../../gateway/cli.ts';
import type { CliResult, CliRun } from './cli.ts';

const BIN = fileURLToPath(new URL('../../bin/gatehouse-dev.mjs', import.meta.url));

type Write = typeof process.stdout.write;

/** Replaces `stream.write` with one that appends to a string, until the returned function is called. */
function capture(stream: NodeJS.WriteStream): { text(): string; restore(): void } {
  const original = stream.write;
  let text = '';
  stream.write = function capturedWrite(chunk: string | Uint8Array, ...rest: unknown[]) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (callback) queueMicrotask(callback);
    return true;
  } as Write;
  return {
    text: () => text,
    restore: () => {
      stream.write = original;
    },
  };
}

const runs = JSON.parse(process.argv[2] ?? '[]') as CliRun[];
const startDir = process.cwd();
const startEnv = { ...process.env };
const results: CliResult[] = [];
for (const run of runs) {
  process.chdir(run.cwd ?? startDir);
  for (const key of Object.keys(process.env)) if (!(key in startEnv)) delete process.env[key];
  Object.assign(process.env, startEnv, run.env);
  process.argv = [process.execPath, BIN, ...run.args];
  process.exitCode = undefined;
  const stdout = capture(process.stdout);
  const stderr = capture(process.stderr);
  try {
    await runCli(run.args);
  } finally {
    stdout.restore();
    stderr.restore();
  }
  results.push({ code: process.exitCode ?? 0, stdout: stdout.text(), stderr: stderr.text() });
}
process.exitCode = 0;
// Exits even if a command left a pool or a timer behind: the single-command tests see to that.
process.stdout.write(JSON.stringify(results), () => process.exit(0));
