/**
 * The registry's store port: every published version of every subgraph, with who published it
 * and when. Two adapters: a directory of JSON files (`directory-store.ts`, the embedded default)
 * and Redis (`redis-store.ts`, shared by replicas).
 *
 * History is append-only. A rollback is a new version record holding the entry of an earlier
 * one (`restoredFrom`), so the history says who rolled back what, and when; the current version
 * of a subgraph is always its newest record.
 */
import { GatehouseError } from '../../core/errors.ts';
import type { RegistryEntry } from './entry.ts';

/** Who publishes, and why. */
export interface PublishMeta {
  /** The token's subject, `--author`, or $USER. */
  author: string;
}

/** One published version of a subgraph. */
export interface RegistryVersion {
  name: string;
  /** 1, 2, 3... per subgraph. */
  version: number;
  author: string;
  /** ISO 8601. */
  publishedAt: string;
  /** For a rollback: the version whose entry this one restored. */
  restoredFrom?: number;
  entry: RegistryEntry;
}

export interface RegistryStore {
  /** `directory` or `redis`, for logs and the admin API. */
  readonly kind: 'directory' | 'redis';
  /**
   * The current version of every registered subgraph, by name: its newest version that can be
   * read. A version that cannot be (an empty or corrupt file) is skipped and reported by `broken`.
   */
  list(): Promise<RegistryVersion[]>;
  /** Per subgraph, why its newest versions could not be read, as of the last `list()`. */
  broken(): ReadonlyMap<string, string>;
  /** The number of the newest version of `name` (read or not), 0 when it has none. */
  head(name: string): Promise<number>;
  /** The versions of one subgraph kept, newest first; [] when it has none. */
  versions(name: string): Promise<RegistryVersion[]>;
  /**
   * Adds the next version of `entry.name`; atomic (concurrent publishes each get their number).
   * With `expected` (the current version number the caller checked against, 0 for none), only
   * if the current version is still that one: else a `RegistryConflict`, nothing written.
   */
  publish(entry: RegistryEntry, meta: PublishMeta, expected?: number): Promise<RegistryVersion>;
  /**
   * Publishes again the entry of version `to`, by default the one before the current one (for a
   * current rollback record, the one before the version it restored: rollbacks walk back).
   * NOT_FOUND when there is no such version.
   */
  rollback(name: string, meta: PublishMeta, to?: number): Promise<RegistryVersion>;
  /** Calls `listener` when the store may have changed (coalesced); returns its unsubscribe. */
  watch(listener: () => void): () => void;
  /**
   * After `watch`: resolves once watching (the first signature read, the baseline against which
   * changes are told, and for Redis the subscription made). A read of the store after this sees
   * every change the watch will not tell.
   */
  ready(): Promise<void>;
  /** Stops watching and polling. */
  close(): Promise<void>;
}

/**
 * A publish refused because the subgraph's current version moved since the caller read it
 * (another publish or rollback came first): retryable, REGISTRY_UNAVAILABLE (503, CLI exit 3).
 */
export class RegistryConflict extends GatehouseError {
  constructor(name: string, expected: number, current: number | undefined) {
    super(
      'REGISTRY_UNAVAILABLE',
      `registry: ${name} changed while this was checked (expected version ${expected}, now ${current ?? 'another'}); try again`,
    );
  }
}

/** The version a rollback restores when none is named. */
export function previousVersion(current: RegistryVersion): number {
  return (current.restoredFrom ?? current.version) - 1;
}

/** What each subgraph's newest readable version is, and why newer ones could not be read. */
export interface NewestReadable {
  name: string;
  version: RegistryVersion | undefined;
  problems: string[];
}

/**
 * The current versions of a store's `list()`, from each subgraph's newest readable version; the
 * subgraphs with versions that could not be read go in `broken` (why, and which is used instead).
 */
export function currentVersions(
  found: readonly NewestReadable[],
  broken: Map<string, string>,
): RegistryVersion[] {
  broken.clear();
  for (const { name, version, problems } of found)
    if (problems.length > 0)
      broken.set(
        name,
        `${problems.join('; ')}; ${version ? `version ${version.version} is used` : 'no version can be read'}`,
      );
  return found.flatMap(({ version }) => (version ? [version] : []));
}
