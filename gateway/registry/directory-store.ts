/**
 * The registry in a directory (the embedded default): human-readable, GitOps-friendly files.
 *
 *   <dir>/<name>/v000001.json   { name, version, author, publishedAt, restoredFrom?, entry }
 *   <dir>/<name>/v000002.json   the newest file is the current version
 *
 * A version file is written to a temporary file and hard-linked to its name: `link` fails when
 * the name exists, so two processes publishing at once each get their own number (the loser
 * takes the next one), and a reader never sees a half-written file. No pointer file: the newest
 * record is the current one, so there is nothing to update after the link. The temporary file is
 * fsynced before the link: a crash leaves the old version or the whole new one, not an empty file.
 * A version file that cannot be read anyway (empty, corrupt, or another subgraph's: a bad commit)
 * is skipped: the subgraph's newest readable version is its current one, and `broken()` says why.
 * Only names following the subgraph-name rule become paths. Changes are noticed by `fs.watch`
 * and, as a backstop (network file systems, editors), by reading the listing every `pollInterval`.
 */
import { randomBytes } from 'node:crypto';
import { type FSWatcher, watch as fsWatch, mkdirSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { GatehouseError } from '../../core/errors.ts';
import { createChangeWatch } from './change-watch.ts';
import { parseEntry, type RegistryEntry } from './entry.ts';
import { isSubgraphName, subgraphName } from './names.ts';
import {
  currentVersions,
  type PublishMeta,
  previousVersion,
  RegistryConflict,
  type RegistryStore,
  type RegistryVersion,
} from './store.ts';

export interface DirectoryStoreOptions {
  /** The registry's folder; made when missing. */
  directory: string;
  /** Time between two reads of the listing (the backstop of fs.watch), in ms. @default 1_000 */
  pollInterval?: number;
  /** Versions kept per subgraph; older files are deleted. @default 100 */
  maxVersions?: number;
}

const VERSION_FILE = /^v(\d{6,})\.json$/;
const fileOf = (version: number) => `v${String(version).padStart(6, '0')}.json`;
/** Attempts at the next number when other publishers keep taking it. */
const MAX_ATTEMPTS = 100;

export function createDirectoryStore(options: DirectoryStoreOptions): RegistryStore {
  const root = options.directory;
  const maxVersions = options.maxVersions ?? 100;

  /** The version numbers of `name`, oldest first. */
  const numbers = async (name: string): Promise<number[]> => {
    const files = await readdir(join(root, name)).catch(missingAsEmpty);
    return files
      .map((f) => VERSION_FILE.exec(f)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  };
  const names = async (): Promise<string[]> =>
    (await readdir(root, { withFileTypes: true }).catch(missingAsEmpty))
      .filter((d) => typeof d !== 'string' && d.isDirectory() && isSubgraphName(d.name))
      .map((d) => (d as { name: string }).name)
      .sort();
  /** A version file; undefined when gone (pruned meanwhile), `{ problem }` when it cannot be read. */
  const read = async (
    name: string,
    version: number,
  ): Promise<RegistryVersion | { problem: string } | undefined> => {
    let text: string;
    try {
      text = await readFile(join(root, name, fileOf(version)), 'utf8');
    } catch (error) {
      // Pruned by another publisher between the listing and the read.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw unavailable(`cannot read ${join(name, fileOf(version))}`, error);
    }
    try {
      return recordOf(name, version, JSON.parse(text));
    } catch (error) {
      return { problem: `${fileOf(version)} cannot be read: ${oneLine((error as Error).message)}` };
    }
  };
  /** The newest readable version of `name` among `numbered`, and the problems of those newer. */
  const newestReadable = async (name: string, numbered: readonly number[]) => {
    const problems: string[] = [];
    for (const n of [...numbered].reverse()) {
      const found = await read(name, n);
      if (found === undefined) continue;
      if ('problem' in found) problems.push(found.problem);
      else return { version: found, problems };
    }
    return { version: undefined, problems };
  };
  /** Per subgraph, the problems the last list() met. */
  let broken = new Map<string, string>();

  /**
   * Writes the next version of `entry.name`; a number another process took is skipped, unless
   * `expected` (the current number the caller saw) is given: then only `expected + 1` is taken,
   * else a RegistryConflict.
   */
  const append = async (
    entry: RegistryEntry,
    meta: PublishMeta,
    restoredFrom?: number,
    expected?: number,
  ): Promise<RegistryVersion> => {
    const folder = join(root, subgraphName(entry.name));
    await mkdir(folder, { recursive: true });
    const temporary = join(folder, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    let version = (await numbers(entry.name)).at(-1) ?? 0;
    if (expected !== undefined && version !== expected)
      throw new RegistryConflict(entry.name, expected, version);
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        version++;
        const record: RegistryVersion = {
          name: entry.name,
          version,
          author: meta.author,
          publishedAt: new Date().toISOString(),
          ...(restoredFrom !== undefined && { restoredFrom }),
          entry,
        };
        await writeDurably(temporary, `${JSON.stringify(record, null, 2)}\n`);
        try {
          await link(temporary, join(folder, fileOf(version)));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          if (expected !== undefined) throw new RegistryConflict(entry.name, expected, undefined);
          continue;
        }
        await prune(entry.name, version);
        watch.poke();
        return record;
      }
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
    throw new GatehouseError(
      'REGISTRY_UNAVAILABLE',
      `registry: could not number a new version of ${entry.name}`,
    );
  };

  const prune = async (name: string, newest: number) => {
    const old = (await numbers(name)).filter((n) => n <= newest - maxVersions);
    await Promise.all(old.map((n) => unlink(join(root, name, fileOf(n))).catch(() => undefined)));
  };

  /** One line per subgraph and its newest version: what a change changes. */
  const signature = async () => {
    const lines = await Promise.all((await names()).map(async (n) => `${n}@${(await numbers(n)).at(-1)}`));
    return lines.join('\n');
  };

  let watcher: FSWatcher | undefined;
  const watch = createChangeWatch({
    signature,
    interval: options.pollInterval ?? 1_000,
    start(poke) {
      try {
        mkdirSync(root, { recursive: true });
        // Recursive: a new version lands in a subfolder. A platform without it polls only.
        watcher = fsWatch(root, { recursive: true, persistent: false }, poke);
        watcher.on('error', () => watcher?.close());
      } catch {
        watcher = undefined;
      }
    },
    stop() {
      watcher?.close();
      watcher = undefined;
    },
  });

  return {
    kind: 'directory',
    async list() {
      const found = await Promise.all(
        (await names()).map(async (name) => ({ name, ...(await newestReadable(name, await numbers(name))) })),
      );
      const next = new Map<string, string>();
      const current = currentVersions(found, next);
      broken = next;
      return current;
    },
    broken: () => broken,
    head: async (name) => (await numbers(subgraphName(name))).at(-1) ?? 0,
    async versions(name) {
      const all = await Promise.all((await numbers(subgraphName(name))).reverse().map((n) => read(name, n)));
      return all.filter((v): v is RegistryVersion => v !== undefined && !('problem' in v));
    },
    publish: (entry, meta, expected) =>
      mkdir(root, { recursive: true }).then(() => append(entry, meta, undefined, expected)),
    async rollback(name, meta, to) {
      subgraphName(name);
      // The append takes the number after the head read here, or fails: two rollbacks at once
      // do not both restore the same version; the later one reads again and walks further back.
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const numbered = await numbers(name);
        const { version: current } = await newestReadable(name, numbered);
        if (current === undefined) throw notFound(`no subgraph ${name} in the registry`);
        const target = to ?? previousVersion(current);
        const restored = target >= 1 ? await read(name, target) : undefined;
        if (restored === undefined || 'problem' in restored)
          throw notFound(
            `${name} has no version ${target} to restore (current: ${current.version})${restored ? `: ${restored.problem}` : ''}`,
          );
        try {
          return await append(restored.entry, meta, target, numbered.at(-1) ?? 0);
        } catch (error) {
          if (!(error instanceof RegistryConflict)) throw error;
        }
      }
      throw new GatehouseError('REGISTRY_UNAVAILABLE', `registry: ${name} kept changing; roll back again`);
    },
    watch: (listener) => watch.add(listener),
    ready: () => watch.ready,
    close: async () => watch.close(),
  };
}

/**
 * A version file's record, checked: its name and number are its path's, its entry an entry of
 * that subgraph (`parseEntry`: a restored file is published again, so it must be one).
 */
function recordOf(name: string, version: number, json: unknown): RegistryVersion {
  const record = json as Partial<RegistryVersion> | null;
  if (typeof record !== 'object' || record === null) throw new Error('not a JSON object');
  if (record.name !== name) throw new Error(`its name is ${JSON.stringify(record.name)}, not ${name}`);
  if (record.version !== version) throw new Error(`its version is ${record.version}, not ${version}`);
  const { entry } = parseEntry(record.entry);
  if (entry.name !== name) throw new Error(`its entry is ${JSON.stringify(entry.name)}'s, not ${name}'s`);
  return record as RegistryVersion;
}

/** Writes `text` to a new file and flushes it to disk before answering. */
async function writeDurably(path: string, text: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
}

function unavailable(message: string, cause: unknown): GatehouseError {
  return new GatehouseError('REGISTRY_UNAVAILABLE', `registry: ${message}: ${(cause as Error).message}`, [], {
    cause,
  });
}

function notFound(message: string): GatehouseError {
  return new GatehouseError('NOT_FOUND', `registry: ${message}`);
}

function missingAsEmpty(error: unknown): never[] {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
  throw unavailable('cannot list the registry folder', error);
}

const oneLine = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .join(' ');
