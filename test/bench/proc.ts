/**
 * Process readings from /proc (Linux): CPU time (user + system, every thread, GC included) and
 * peak resident memory. Elsewhere they read as undefined and the reports say "n/a".
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat (`getconf CLK_TCK`, 100 on Linux). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds the process has used so far (utime + stime), or undefined. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15, i.e. 11 and 12 after the state field (field 3).
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / clockTicks() : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size (VmHWM) in MiB, or undefined. */
export function peakRssMiB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the process is nearly idle (at most 2 clock ticks, 10% of a core, in 200 ms), at
 * most `maxMs`: a target still working through the requests the previous run left in flight
 * would otherwise be measured doing that. Resolves with the milliseconds waited.
 */
export async function waitIdle(pid: number, maxMs: number): Promise<number> {
  const started = performance.now();
  let before = cpuSeconds(pid);
  while (before !== undefined && performance.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = cpuSeconds(pid);
    if (now === undefined || now - before < 0.025) break; // 2 ticks of 10 ms, with room for rounding
    before = now;
  }
  return performance.now() - started;
}
