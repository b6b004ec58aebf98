/**
 * The usage store port: where counts of operations go (memory or Redis), flushed in batches by
 * the recorder, never on a request's path. Counts are kept per time bucket; a window of
 * `BUCKETS` buckets spans the retention, so old counts fall out one bucket at a time.
 */

/** Buckets spanning the retention: counts older than the oldest are forgotten. */
export const BUCKETS = 24;

/** One operation's count since the last flush, with what identifies and describes it. */
export interface UsageCount {
  /** `<name>:<hash>`. */
  operation: string;
  name: string;
  hash: string;
  coordinates: readonly string[];
  count: number;
}

/** One operation as read back: its total within the window. */
export interface RecordedOperation {
  operation: string;
  name: string;
  hash: string;
  coordinates: readonly string[];
  count: number;
}

export interface UsageStore {
  /**
   * Adds one flush's counts to bucket `bucket`. New operations past `maxOperations` (after the
   * ones not seen within the window are forgotten) are not kept: resolves with how many were
   * dropped. Rejects when the store cannot be reached (the counts are lost).
   */
  add(counts: readonly UsageCount[], bucket: number): Promise<number>;
  /** The operations counted in buckets `bucket - BUCKETS + 1` to `bucket`, with their totals. */
  read(bucket: number): Promise<RecordedOperation[]>;
}

/** What a store keeps of an operation besides its counts, as stored. */
export interface OperationDefinition {
  name: string;
  hash: string;
  coordinates: readonly string[];
}
