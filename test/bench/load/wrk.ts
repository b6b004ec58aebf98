/**
 * wrk (Debian package `wrk`) as the load generator: one thread, the connections of the scenario,
 * and `wrk.lua` for the POST body and the unique Authorization headers (or signed JWTs). It runs on the harness's
 * core (it inherits the harness's pinning) and is killed by PID if it overruns.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startChild } from '../children.ts';
import { type LoadGenerator, type LoadResult, type LoadSpec, REQUEST_TIMEOUT_S } from './types.ts';

const SCRIPT = fileURLToPath(new URL('./wrk.lua', import.meta.url));

/** The wrk load generator, or undefined when wrk is not installed. */
export function wrkGenerator(): LoadGenerator | undefined {
  let version: string;
  try {
    // `wrk -v` prints its version and exits with status 1.
    version = execFileSync('sh', ['-c', 'wrk -v 2>&1 || true'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  } catch {
    return undefined;
  }
  if (!version.startsWith('wrk')) return undefined;
  return { name: 'wrk', version: version.replace(/ Copyright.*$/, ''), run: runWrk };
}

interface WrkJson {
  requests: number;
  durationUs: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  statusErrors: number;
  timeouts: number;
  p50Us: number;
  p99Us: number;
}

function runWrk(spec: LoadSpec): Promise<LoadResult> {
  const args = [
    '-t1',
    `-c${spec.connections}`,
    `-d${spec.durationS}s`,
    `--timeout`,
    `${REQUEST_TIMEOUT_S}s`,
    '-s',
    SCRIPT,
    spec.url,
  ];
  return new Promise((resolve, reject) => {
    // Started like the targets, so it is stopped with them on Ctrl-C or an error.
    const child = startChild({
      command: 'wrk',
      args,
      cwd: process.cwd(),
      env: {
        ...process.env,
        BENCH_BODY_FILE: spec.bodyFile,
        BENCH_UNIQUE_AUTH: spec.uniqueAuth ? '1' : '0',
        ...(spec.tokens && {
          BENCH_TOKENS_FILE: spec.tokens.file,
          BENCH_TOKEN_START: String(spec.tokens.start),
        }),
      },
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    // wrk stops by itself after the duration; this bounds a wrk that hangs.
    const killer = setTimeout(() => child.kill('SIGKILL'), (spec.durationS + REQUEST_TIMEOUT_S + 10) * 1000);
    child.once('error', (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(killer);
      const line = /^BENCH_JSON (.*)$/m.exec(out)?.[1];
      if (code !== 0 || line === undefined) {
        reject(new Error(`wrk exited with ${code}: ${out.slice(-500)}`));
        return;
      }
      const r = JSON.parse(line) as WrkJson;
      resolve({
        requests: r.requests,
        durationS: r.durationUs / 1e6,
        p50Ms: r.p50Us / 1000,
        p99Ms: r.p99Us / 1000,
        statusErrors: r.statusErrors,
        socketErrors: r.connectErrors + r.readErrors + r.writeErrors,
        timeouts: r.timeouts,
      });
    });
  });
}
