/**
 * The usage store of one process (the default): counts per bucket in maps, the operations'
 * definitions beside them, at most `maxOperations` of them.
 */
import { BUCKETS, type OperationDefinition, type RecordedOperation, type UsageStore } from './types.ts';

export function createMemoryUsageStore(maxOperations: number): UsageStore {
  const definitions = new Map<string, OperationDefinition & { lastBucket: number }>();
  const buckets = new Map<number, Map<string, number>>();

  /** Forgets the buckets past the window and the operations seen in none of those left. */
  const prune = (bucket: number) => {
    const oldest = bucket - BUCKETS + 1;
    for (const key of buckets.keys()) if (key < oldest) buckets.delete(key);
    for (const [operation, definition] of definitions)
      if (definition.lastBucket < oldest) definitions.delete(operation);
  };

  return {
    async add(counts, bucket) {
      let counted = buckets.get(bucket);
      if (counted === undefined) {
        prune(bucket);
        counted = new Map();
        buckets.set(bucket, counted);
      }
      let dropped = 0;
      for (const { operation, name, hash, coordinates, count } of counts) {
        const known = definitions.get(operation);
        if (known === undefined && definitions.size >= maxOperations) {
          // Full: the operations not seen within the window make room first.
          prune(bucket);
          if (definitions.size >= maxOperations) {
            dropped++;
            continue;
          }
        }
        if (known === undefined) definitions.set(operation, { name, hash, coordinates, lastBucket: bucket });
        else known.lastBucket = bucket;
        counted.set(operation, (counted.get(operation) ?? 0) + count);
      }
      return dropped;
    },
    async read(bucket) {
      const totals = new Map<string, number>();
      for (const [key, counted] of buckets) {
        if (key <= bucket - BUCKETS || key > bucket) continue;
        for (const [operation, count] of counted) totals.set(operation, (totals.get(operation) ?? 0) + count);
      }
      const read: RecordedOperation[] = [];
      for (const [operation, count] of totals) {
        const definition = definitions.get(operation);
        if (definition !== undefined)
          read.push({
            operation,
            name: definition.name,
            hash: definition.hash,
            coordinates: definition.coordinates,
            count,
          });
      }
      return read;
    },
  };
}
