/**
 * Counting on the request path, writing off it. Each distinct document (per schema, per
 * operation name) gets one entry, made once: its name, hash and coordinates (coordinates.ts). A
 * request adds one to its entry's pending count; every `flushInterval` the pending counts go to
 * the store in one batch. A store that fails loses that batch's counts, logged once until it
 * works again; a request never waits for the store nor fails with it.
 *
 * Entries are kept in WeakMaps keyed by the schema and the parsed document: they live as long as
 * Yoga's parse cache keeps the document (bounded), and a new schema gets new entries.
 */
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Logger } from '../logger/index.ts';
import { operationShape } from './coordinates.ts';
import type { UsageCount, UsageStore } from './store/types.ts';

/** One operation of one document, and its count since the last flush. */
interface Entry extends UsageCount {}

/** Stands for a document operation whose shape is not counted (introspection alone, no operation). */
const IGNORED: Entry = { operation: '', name: '', hash: '', coordinates: [], count: 0 };

export interface Recorder {
  /** Counts one run of `operationName` of `document` (validated against `schema`). */
  record(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): void;
  /** Writes the pending counts to the store now; never rejects. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is pending. */
  close(): Promise<void>;
}

export interface RecorderOptions {
  store: UsageStore;
  /** ms */
  flushInterval: number;
  /** Length of a bucket, ms. */
  bucketMs: number;
  logger: Logger;
  /** @default Date.now */
  now?: () => number;
}

export function createRecorder(options: RecorderOptions): Recorder {
  const { store, logger } = options;
  const now = options.now ?? Date.now;
  const schemas = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Entry>>>();
  let pending: Entry[] = [];
  let failing = false;
  let full = false;
  let flushing: Promise<void> = Promise.resolve();

  const entryOf = (schema: GraphQLSchema, document: DocumentNode, operationName: string): Entry => {
    let documents = schemas.get(schema);
    if (documents === undefined) {
      documents = new WeakMap();
      schemas.set(schema, documents);
    }
    let operations = documents.get(document);
    if (operations === undefined) {
      operations = new Map();
      documents.set(document, operations);
    }
    let entry = operations.get(operationName);
    if (entry === undefined) {
      entry = shapeEntry(schema, document, operationName);
      operations.set(operationName, entry);
    }
    return entry;
  };

  const write = async () => {
    if (pending.length === 0) return;
    const batch = pending.map((entry) => ({ ...entry }));
    for (const entry of pending) entry.count = 0;
    pending = [];
    try {
      const dropped = await store.add(batch, Math.floor(now() / options.bucketMs));
      if (failing) logger.info('usage: counts are written to the store again');
      failing = false;
      if (dropped > 0 && !full) {
        full = true;
        logger.warn(
          'usage: usage.maxOperations reached; new operations are not counted until old ones leave the window',
          {
            dropped,
          },
        );
      } else if (dropped === 0) full = false;
    } catch (error) {
      if (!failing)
        logger.warn('usage: counts cannot be written to the store; they are lost until it is back', {
          error,
        });
      failing = true;
    }
  };

  const flush = () => {
    flushing = flushing.then(write);
    return flushing;
  };
  const timer = setInterval(flush, options.flushInterval);
  timer.unref();

  return {
    record(schema, document, operationName) {
      const entry = entryOf(schema, document, operationName ?? '');
      if (entry === IGNORED) return;
      if (entry.count++ === 0) pending.push(entry);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

function shapeEntry(schema: GraphQLSchema, document: DocumentNode, operationName: string): Entry {
  const shape = operationShape(schema, document, operationName === '' ? undefined : operationName);
  if (shape === undefined || shape.coordinates.length === 0) return IGNORED;
  return { operation: `${shape.name}:${shape.hash}`, ...shape, count: 0 };
}
