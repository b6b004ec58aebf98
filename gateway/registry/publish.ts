/**
 * Checking and publishing an entry, the same way from the admin API and from the CLI writing to
 * the store directly: the entry is checked (`parseEntry`, and its name is not a config subgraph's
 * the registry may not replace), loaded as it would be served, and checked against the graph
 * (`checkCandidate`: composition, breaking changes, usage); a publish whose check fails is
 * refused unless forced. The publish is conditional on the subgraph's version the check ran
 * against: when another publish came first, the graph is read again and the check run again.
 */
import { GatehouseError } from '../../core/errors.ts';
import type { UsageReader } from '../../core/usage.ts';
import type { SubgraphDefinition } from '../../schema/types.ts';
import type { SubgraphConfig } from '../config/index.ts';
import { type CheckReport, checkCandidate, type FailOn } from './check/index.ts';
import { parseEntry } from './entry.ts';
import { RegistryConflict, type RegistryStore, type RegistryVersion } from './store.ts';

/** The graph a candidate is checked against. */
export interface CheckTarget {
  /** The subgraphs in service (or, without a gateway, the registry's and the config's). */
  current(): readonly SubgraphDefinition[];
  /** The supergraph in service, when there is one. */
  supergraphSdl(): string | undefined;
  load(config: SubgraphConfig): Promise<SubgraphDefinition>;
  /** Whether `name` is a config subgraph the registry may not replace. @default none is */
  configOwned?(name: string): boolean;
  /** Reads the store again (before a check, so it runs against its newest versions). */
  refresh?(): Promise<void>;
}

/** Checks before a publish when other publishes keep coming first. */
const MAX_ATTEMPTS = 3;

/**
 * Checks `input` (an entry) against `target`. Throws BAD_USER_INPUT for an entry that is not
 * valid (its schema included: one that does not parse or build) or names a config subgraph; REGISTRY_UNAVAILABLE when the check cannot run.
 */
export async function checkEntry(
  target: CheckTarget,
  input: unknown,
  usage?: UsageReader,
  failOn?: FailOn,
): Promise<CheckReport> {
  const { config } = parseEntry(input);
  refuseConfigOwned(target, config.name);
  let candidate: SubgraphDefinition;
  try {
    candidate = await target.load(config);
  } catch (error) {
    // An inline schema that does not parse or build: a bad entry, not a failed check.
    throw new GatehouseError('BAD_USER_INPUT', `the registry entry ${config.name} is not valid`, [
      `sdl: the schema cannot be loaded: ${(error as Error).message}`,
    ]);
  }
  try {
    return await checkCandidate({
      current: target.current(),
      candidate,
      usage,
      currentSupergraphSdl: target.supergraphSdl(),
      ...(failOn !== undefined && { failOn }),
    });
  } catch (error) {
    if (error instanceof GatehouseError) throw error;
    throw new GatehouseError(
      'REGISTRY_UNAVAILABLE',
      `registry: the check could not run: ${(error as Error).message}`,
      [],
      { cause: error },
    );
  }
}

export interface PublishOutcome {
  /** Published (the check passed, or `force`). */
  published: boolean;
  /** The version written, when published. */
  version?: RegistryVersion;
  report: CheckReport;
}

/**
 * Checks, then publishes when the check passes (or `force`), if the subgraph's version is still
 * the one checked against; else checks again (3 times at most, then REGISTRY_UNAVAILABLE).
 */
export async function publishEntry(
  target: CheckTarget,
  store: RegistryStore,
  input: { entry: unknown; author: string; force?: boolean; usage?: UsageReader; failOn?: FailOn },
): Promise<PublishOutcome> {
  const { entry } = parseEntry(input.entry);
  refuseConfigOwned(target, entry.name);
  for (let attempt = 1; ; attempt++) {
    const base = await store.head(entry.name);
    await target.refresh?.();
    const report = await checkEntry(target, input.entry, input.usage, input.failOn);
    if (!report.ok && !input.force) return { published: false, report };
    try {
      const version = await store.publish(entry, { author: input.author }, base);
      return { published: true, version, report };
    } catch (error) {
      if (!(error instanceof RegistryConflict) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

function refuseConfigOwned(target: CheckTarget, name: string): void {
  if (target.configOwned?.(name))
    throw new GatehouseError(
      'BAD_USER_INPUT',
      `${name} is a subgraph of the gateway's config: the registry may not replace it`,
      [`the platform team can allow it in the config: registry: { allowOverride: [${name}] }`],
    );
}
