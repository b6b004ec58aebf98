/**
 * The reload-under-load drill: a real `gatehouse start --supergraph <file>` process over two
 * loopback subgraphs, `connections` clients (an undici pool) sending a query in a bounded loop
 * while the supergraph file is swapped every `swapEvery` ms between two versions (B adds a field),
 * in turn by in-place rewrites (a reader may see them half written), renames, and partial writes
 * (in place in two chunks with a pause longer than the watch's debounce between them, so the
 * gateway can read a prefix of a valid file, which it must not serve). Every answer
 * must be a 200 whose body is exactly the answer of one of the two versions. It reports the
 * answers, the swaps written and put in service (`/readyz` `reloads`), and the gateway's resident
 * memory over time. `npm run bench:reload` runs it for 60 s; the CI test for a few seconds.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { schemaVersion } from '../../../gateway/supergraph/index.ts';
import { type GatehouseProcess, spawnGatehouse } from '../../helpers/cli.ts';
import {
  expectedAnswer,
  partialCut,
  QUERY,
  replaceByRename,
  rewriteInPlace,
  startReloadGraph,
  writeInTwoChunks,
} from '../../helpers/reload-graph.ts';

/** The pause of a partial write, in ms: longer than the gateway's debounce (50 ms), twice over. */
const PARTIAL_PAUSE = 150;

export interface ReloadDrillOptions {
  /** Seconds of load. */
  seconds: number;
  /** Time between two swaps of the supergraph file, in milliseconds. */
  swapEvery: number;
  /** Concurrent connections (one request in flight on each). */
  connections: number;
  /** Progress lines. @default none */
  log?: (line: string) => void;
}

export interface ReloadDrillFigures {
  seconds: number;
  connections: number;
  swapEvery: number;
  requests: number;
  /** Answers that were not a 200 with the exact answer of version A or B. */
  failures: number;
  /** The first few failures, for the report. */
  failureSamples: string[];
  answersA: number;
  answersB: number;
  /** New versions written to the file, and how (in place / by rename / in place in two chunks). */
  swaps: { written: number; inPlace: number; renamed: number; partial: number };
  /** Schemas the gateway put in service after the first, and kept out (`/readyz` `reloads`). */
  reloads: { succeeded: number; failed: number };
  /** Versions the gateway read and could not serve (seen half written), from its error log lines. */
  unservable: number;
  /** The gateway serves the last version written once the load ends. */
  lastVersionServed: boolean;
  /** Resident memory of the gateway, in MiB: after the first second, at the end, the highest. */
  rssMiB: { start: number; end: number; max: number; samples: number[] };
}

const HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };

/** Resident memory of `pid` in MiB (Linux /proc), or NaN. */
function rssMiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

async function readyz(origin: string) {
  const response = await fetch(`${origin}/readyz`);
  return (await response.json()) as { version?: string; reloads?: { succeeded: number; failed: number } };
}

export async function runReloadDrill(options: ReloadDrillOptions): Promise<ReloadDrillFigures> {
  const log = options.log ?? (() => {});
  const graph = await startReloadGraph();
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-reload-drill-'));
  const file = join(dir, 'supergraph.graphql');
  await writeFile(file, graph.versions.a);
  let child: GatehouseProcess | undefined;
  let pool: Pool | undefined;
  try {
    child = spawnGatehouse(['start', '--supergraph', file, '--host', '127.0.0.1', '--port', '0']);
    const url = new URL(await child.listening());
    const pid = child.child.pid!;
    const first = await readyz(url.origin);
    pool = new Pool(url.origin, { connections: options.connections, pipelining: 1 });
    const body = JSON.stringify({ query: QUERY });
    const answers = { a: JSON.stringify(expectedAnswer('a')), b: JSON.stringify(expectedAnswer('b')) };
    const figures = { requests: 0, failures: 0, answersA: 0, answersB: 0, failureSamples: [] as string[] };
    const end = Date.now() + options.seconds * 1000;
    // Bounded: at most this many requests per connection, whatever the speed.
    const maxPerConnection = options.seconds * 20_000;

    const client = pool;
    const worker = async () => {
      for (let i = 0; i < maxPerConnection && Date.now() < end; i++) {
        figures.requests++;
        let problem: string | undefined;
        try {
          const response = await client.request({
            path: url.pathname,
            method: 'POST',
            headers: HEADERS,
            body,
          });
          const text = await response.body.text();
          if (response.statusCode === 200 && text === answers.a) figures.answersA++;
          else if (response.statusCode === 200 && text === answers.b) figures.answersB++;
          else problem = `${response.statusCode} ${text.slice(0, 300)}`;
        } catch (error) {
          problem = (error as Error).message;
        }
        if (problem !== undefined) {
          figures.failures++;
          if (figures.failureSamples.length < 5) figures.failureSamples.push(problem);
        }
      }
    };

    const swaps = { written: 0, inPlace: 0, renamed: 0, partial: 0 };
    let last = graph.versions.a;
    let swapping = true;
    const swapper = (async () => {
      while (swapping && Date.now() < end - options.swapEvery) {
        await new Promise((resolve) => setTimeout(resolve, options.swapEvery));
        if (!swapping) break;
        last = swaps.written % 2 === 0 ? graph.versions.b : graph.versions.a;
        // Each version is written every way in turn: in place, renamed, then in two chunks
        // (cut before its Query type, or halfway, in turn).
        const way = Math.floor(swaps.written / 2) % 3;
        if (way === 0) {
          await rewriteInPlace(file, last);
          swaps.inPlace++;
        } else if (way === 1) {
          await replaceByRename(file, last);
          swaps.renamed++;
        } else {
          const cut = partialCut(last, swaps.partial % 4 >= 2);
          await writeInTwoChunks(file, last, cut, Math.min(PARTIAL_PAUSE, options.swapEvery / 2));
          swaps.partial++;
        }
        swaps.written++;
      }
    })();

    const samples: number[] = [];
    const sampler = setInterval(() => {
      samples.push(rssMiB(pid));
      log(
        `${samples.length} s: ${figures.requests} requests, ${figures.failures} failed, ${swaps.written} swaps, RSS ${samples.at(-1)?.toFixed(0)} MiB`,
      );
    }, 1000);
    try {
      await Promise.all(Array.from({ length: options.connections }, worker));
    } finally {
      swapping = false;
      clearInterval(sampler);
      await swapper;
    }

    // The last version written is served once the watch has seen it (within a few polls).
    const lastVersion = schemaVersion(last);
    let status = await readyz(url.origin);
    for (let i = 0; i < 100 && status.version !== lastVersion; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await readyz(url.origin);
    }
    const endRss = rssMiB(pid);
    return {
      seconds: options.seconds,
      connections: options.connections,
      swapEvery: options.swapEvery,
      ...figures,
      swaps,
      reloads: {
        succeeded: (status.reloads?.succeeded ?? 0) - (first.reloads?.succeeded ?? 0),
        failed: (status.reloads?.failed ?? 0) - (first.reloads?.failed ?? 0),
      },
      lastVersionServed: status.version === lastVersion,
      unservable: child.stderr().match(/cannot be served/g)?.length ?? 0,
      rssMiB: {
        start: samples[0] ?? endRss,
        end: endRss,
        max: Math.max(endRss, ...samples.filter((s) => !Number.isNaN(s))),
        samples,
      },
    };
  } finally {
    await pool?.close();
    if (child) {
      child.child.kill('SIGTERM');
      const exited = await Promise.race([
        child.exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000)),
      ]);
      if (!exited) child.kill();
    }
    await graph.close();
    await rm(dir, { recursive: true, force: true });
  }
}
