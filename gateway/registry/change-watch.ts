/**
 * Change notification for a store: a cheap `signature` of its contents (each subgraph and its
 * newest version; Redis's revision counter) read on each poke (a file event, a pub/sub message)
 * and every `interval` (the backstop), and listeners told when it differs from the last one
 * read. Reads never overlap: pokes during a read make one more read after it. Nothing runs until
 * the first listener is added. `ready` resolves once the first read is done (the baseline) and
 * the store's own notifications are on (`start`'s promise): a caller that reads the store after
 * it is told of every later change.
 */
export interface ChangeWatchOptions {
  signature(): Promise<string>;
  /** Time between two reads without a poke, in ms. */
  interval: number;
  /** Starts the store's own notifications, which call `poke`; may resolve once they are on. */
  start?(poke: () => void): void | Promise<void>;
  stop?(): void;
  /** Where a failed read is reported; the next poke or tick tries again. */
  onError?(error: unknown): void;
}

export interface ChangeWatch {
  /** Adds a listener; returns its unsubscribe. */
  add(listener: () => void): () => void;
  /** Reads the signature soon (coalesced). */
  poke(): void;
  /** Resolves once watching (after the first `add`): the baseline read, the notifications on. */
  readonly ready: Promise<void>;
  close(): void;
}

export function createChangeWatch(options: ChangeWatchOptions): ChangeWatch {
  const listeners = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  let last: string | undefined;
  let reading = false;
  let again = false;
  let closed = false;
  let baselineTaken!: () => void;
  const baseline = new Promise<void>((resolve) => {
    baselineTaken = resolve;
  });
  let started!: (on: Promise<void>) => void;
  const notifying = new Promise<void>((resolve) => {
    started = (on) => void on.then(resolve, resolve);
  });
  const ready = Promise.all([baseline, notifying]).then(() => undefined);

  const read = async () => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const now = await options.signature();
        const changed = last !== undefined && now !== last;
        last = now;
        baselineTaken();
        if (changed && !closed)
          for (const listener of listeners) {
            try {
              listener();
            } catch (error) {
              options.onError?.(error);
            }
          }
      } while (again && !closed);
    } catch (error) {
      options.onError?.(error);
    } finally {
      reading = false;
    }
  };
  const poke = () => {
    if (timer !== undefined && !closed) void read();
  };

  return {
    add(listener) {
      listeners.add(listener);
      if (timer === undefined && !closed) {
        timer = setInterval(poke, options.interval);
        timer.unref();
        void read();
        started(Promise.resolve(options.start?.(poke)));
      }
      return () => listeners.delete(listener);
    },
    poke,
    ready,
    close() {
      closed = true;
      // Nothing more will come: a caller waiting for it goes on.
      baselineTaken();
      started(Promise.resolve());
      clearInterval(timer);
      options.stop?.();
    },
  };
}
