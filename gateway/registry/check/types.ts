/** The input and report of `gatehouse check` (index.ts), apart so the formatter needs no cycle. */
import type { OperationUse, UsageReader } from '../../../core/usage.ts';
import type { SubgraphDefinition } from '../../../schema/types.ts';
import type { ChangeKind } from './diff.ts';

/** What composition needs of a subgraph (a loaded `SubgraphDefinition` is one). */
export type CheckSubgraph = Pick<SubgraphDefinition, 'name' | 'typeDefs' | 'url'>;

/**
 * When breaking changes fail the check: `breaking`, any; `used`, only those that recorded
 * operations use (unused ones are reported, and pass).
 */
export type FailOn = 'breaking' | 'used';

export interface CheckInput {
  /** The loaded definitions of the subgraphs in service. */
  current: readonly CheckSubgraph[];
  /** The new or changed subgraph (the same name replaces the one in service). */
  candidate: CheckSubgraph;
  /** Recorded operations (the usage room's reader). @default undefined: no usage */
  usage?: UsageReader;
  /**
   * The supergraph SDL in service, when the caller has it: compared with as is, instead of
   * composing `current` again. @default undefined
   */
  currentSupergraphSdl?: string;
  /**
   * @default 'used' with `usage` that recorded at least one operation, else 'breaking' (usage
   * that saw no traffic is no evidence that a change is unused)
   */
  failOn?: FailOn;
}

export interface CheckChange {
  kind: ChangeKind;
  /** `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `Input.field`, `@directive`. */
  coordinate: string;
  message: string;
  /** graphql-js's change type (`FIELD_REMOVED`), or ours for safe changes (`FIELD_ADDED`). */
  type: string;
  /** Recorded operations using what the change touches, most used first (with usage only). */
  affected?: OperationUse[];
  /** This change fails the check. */
  blocking?: boolean;
}

export interface CheckReport {
  /** False on composition errors, or a breaking change that fails under `failOn`. */
  ok: boolean;
  /** One line per composition problem: `[CODE] (subgraphs) message`. */
  compositionErrors: string[];
  /** Breaking first, then dangerous, then safe. */
  changes: CheckChange[];
  /** The rule applied to breaking changes. */
  failOn: FailOn;
  /** The candidate's composed supergraph SDL, when it composes (what a publish would serve). */
  supergraphSdl?: string;
  /** About the usage: how many operations it had recorded, or why it could not be read. */
  usage?: { operations?: number; error?: string };
}
