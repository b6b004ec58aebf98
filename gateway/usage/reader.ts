/**
 * Reading usage back (for `gatehouse check` and the admin API): the operations within the window,
 * matched against schema coordinates by the rules of core/usage.ts, and the most used ones.
 */
import type { OperationUse, UsageReader } from '../../core/usage.ts';
import type { RecordedOperation } from './store/types.ts';

/** One operation in the admin summary. */
export interface OperationSummary extends Required<OperationUse> {
  /** How many schema coordinates it uses. */
  coordinates: number;
}

export interface UsageSummaryReader extends UsageReader {
  operationCount(): Promise<number>;
  /** The `limit` most used operations within the window, most used first. @default limit 20 */
  topOperations(limit?: number): Promise<OperationSummary[]>;
}

/** `read` gives the operations within the window (after writing what is pending). */
export function createReader(read: () => Promise<RecordedOperation[]>): UsageSummaryReader {
  return {
    async operationsUsing(coordinates) {
      const operations = await read();
      const using = new Map<string, OperationUse[]>();
      for (const wanted of coordinates) {
        const uses = operations
          .filter((op) => op.coordinates.some((used) => matches(used, wanted)))
          .map(({ operation, name, hash, count }) => ({ operation, name, hash, count }))
          .sort(byCount);
        using.set(wanted, uses);
      }
      return using;
    },
    async operationCount() {
      return (await read()).length;
    },
    async topOperations(limit = 20) {
      return (await read())
        .map(({ operation, name, hash, count, coordinates }) => ({
          operation,
          name,
          hash,
          count,
          coordinates: coordinates.length,
        }))
        .sort(byCount)
        .slice(0, limit);
    },
  };
}

/**
 * `used` is `wanted`, or under it: a type's fields (`User.` under `User`), a field's arguments
 * (`User.name(` under `User.name`). `=Type` is `Type` only (given whole, by a variable).
 */
export function matches(used: string, wanted: string): boolean {
  if (used === wanted) return true;
  if (wanted.startsWith('=')) return used === wanted.slice(1);
  if (!used.startsWith(wanted)) return false;
  const next = used[wanted.length];
  return wanted.includes('.') || wanted.startsWith('@') ? next === '(' : next === '.';
}

function byCount(a: OperationUse, b: OperationUse): number {
  return b.count - a.count || a.operation.localeCompare(b.operation);
}
