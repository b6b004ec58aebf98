/**
 * Watching one file for new contents, however it changes: rewritten in place (events may come
 * while it is half written) or replaced by a rename (a new inode, which `fs.watch` on the file
 * alone would lose). The file's directory is watched, and its `stat` polled as a backstop (some
 * file systems and editors send no event); both only schedule a check after a debounce. A check
 * reads the file only once it holds still: its size and mtime the same in two `stat`s one
 * debounce apart (a writer that pauses mid-write is not read; one that pauses longer than that
 * can be, which is why the contents are then parsed and checked and atomic renames are the way to
 * publish). It hashes what it read: contents seen before (a touch, a copy of the same bytes) do
 * nothing, new contents are handed to `onContents` once. A file that is missing for a moment
 * (between an unlink and a rename) is checked again on the next event or poll. Checks never run
 * two at a time, nor do the backstop's `stat`s (a hung mount skips ticks, it does not pile them).
 */
import { createHash } from 'node:crypto';
import { type FSWatcher, type Stats, watch } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '../logger/index.ts';

export interface FileWatchOptions {
  file: string;
  /** The hash of the contents in service (`contentHash`): the same contents again do nothing. */
  initialHash: string;
  /** Time between two `stat` calls of the backstop, in milliseconds. */
  pollInterval: number;
  /**
   * Quiet time after an event before the file is looked at, and between the two `stat`s that must
   * agree before it is read, in milliseconds. @default 50
   */
  debounce?: number;
  logger: Logger;
  /** Called with each new contents, one call at a time; a throw is logged. */
  onContents(contents: string): Promise<void> | void;
}

export interface FileWatch {
  /** Stops watching; a check already running finishes. */
  close(): Promise<void>;
}

/** The SHA-256 of a file's contents, in hex. */
export function contentHash(contents: string): string {
  return createHash('sha256').update(contents).digest('hex');
}

/** What tells two versions of a file apart without reading it. */
const signature = (stats: Stats) => `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export function watchFile(options: FileWatchOptions): FileWatch {
  const { file, logger } = options;
  const name = basename(file);
  const debounce = options.debounce ?? 50;
  let seenHash = options.initialHash;
  let seenSignature: string | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  // A check running, and whether an event came while it ran (then it runs once more).
  let running: Promise<void> | undefined;
  let again = false;

  const check = async (): Promise<void> => {
    let contents: string;
    try {
      const before = signature(await stat(file));
      // A file being written changes between two looks: it is looked at again, not read.
      await pause(debounce);
      if (closed) return;
      const now = signature(await stat(file));
      if (now !== before) {
        again = true;
        return;
      }
      seenSignature = now;
      contents = await readFile(file, 'utf8');
    } catch (error) {
      // Between an unlink and a rename, or deleted: the next event or poll looks again.
      logger.debug(`supergraph file ${file} cannot be read now; it is checked again on its next change`, {
        error: (error as Error).message,
      });
      return;
    }
    const hash = contentHash(contents);
    if (hash === seenHash) return;
    seenHash = hash;
    await options.onContents(contents);
  };

  const run = () => {
    timer = undefined;
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = check()
      .catch((error: unknown) => logger.error(`checking the supergraph file ${file} failed`, { error }))
      .finally(() => {
        running = undefined;
        if (again && !closed) {
          again = false;
          schedule();
        }
      });
  };

  function schedule(): void {
    if (closed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(run, debounce);
    timer.unref();
  }

  let watcher: FSWatcher | undefined;
  try {
    // The directory, not the file: a rename puts a new inode at the path, which a watch on the
    // file itself would not follow.
    watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === name) schedule();
    });
    watcher.on('error', (error) => {
      logger.warn(`watching the directory of ${file} failed; its changes are seen by polling only`, {
        error,
      });
      watcher?.close();
    });
  } catch (error) {
    logger.warn(`cannot watch the directory of ${file}; its changes are seen by polling only`, { error });
  }

  // One backstop `stat` at a time: a tick while one is in flight (a hung network mount) is skipped.
  let statting = false;
  const poll = setInterval(() => {
    if (statting) return;
    statting = true;
    stat(file)
      .then(
        (stats) => {
          if (signature(stats) !== seenSignature) schedule();
        },
        () => undefined, // missing for now: looked at again on the next poll
      )
      .finally(() => {
        statting = false;
      });
  }, options.pollInterval);
  poll.unref();
  // The file may have changed between its first reading and this watch: one look now.
  schedule();

  return {
    async close() {
      closed = true;
      watcher?.close();
      clearInterval(poll);
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
