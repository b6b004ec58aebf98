/**
 * The operations the drill sends, by name (the load runs in a child process, which gets names):
 * one that needs only the healthy subgraph, and two that need the faulty one too.
 */

export interface Operation {
  query: string;
  /** True when `data` holds the part the healthy subgraph serves. */
  healthyPart(data: Record<string, unknown>): boolean;
}

export type OperationName = 'healthy' | 'root' | 'entity';

export const OPERATIONS: Record<OperationName, Operation> = {
  healthy: { query: '{ hello }', healthyPart: (data) => data.hello === 'world' },
  /** A root field of each subgraph. */
  root: { query: '{ hello flaky }', healthyPart: (data) => data.hello === 'world' },
  /** `Product.name` from the healthy subgraph, `Product.price` from the faulty one (an entity fetch). */
  entity: {
    query: '{ products { id name price } }',
    healthyPart: (data) =>
      Array.isArray(data.products) &&
      data.products.length > 0 &&
      data.products.every((p: { name?: unknown } | null) => typeof p?.name === 'string'),
  },
};

/** Milliseconds since the epoch, sub-millisecond and monotonic, comparable across processes. */
export const clock = () => performance.timeOrigin + performance.now();
