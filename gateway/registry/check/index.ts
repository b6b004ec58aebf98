/**
 * `gatehouse check`: would this subgraph, as proposed, compose with the others, and what would it
 * change for clients? The candidate replaces its namesake among the subgraphs in service (or
 * joins them); composition problems are reported as composition reports them; then the
 * client-facing schema of the supergraph in service is compared with the candidate's
 * (diff.ts), and, when recorded usage is given, each breaking or dangerous change lists the
 * operations that use what it changes. docs/usage.md says how `ok` is decided.
 */
import { GraphQLSchema } from 'graphql';
import { GatehouseError } from '../../../core/errors.ts';
import type { OperationUse, UsageReader } from '../../../core/usage.ts';
import { apiSchemaOf } from '../../../schema/api-schema.ts';
import { composeSubgraphs, formatCompositionProblems } from '../../../schema/compose.ts';
import { diffSchemas } from './diff.ts';
import type { CheckChange, CheckInput, CheckReport, FailOn } from './types.ts';

export type { OperationUse, UsageReader } from '../../../core/usage.ts';
export { formatCheckReport } from './format.ts';
export type { CheckChange, CheckInput, CheckReport, CheckSubgraph, FailOn } from './types.ts';

/**
 * `failOn` as a caller gave it (`--fail-on`, the admin body's `failOn`): undefined when not
 * given; BAD_USER_INPUT for anything but `breaking` or `used`.
 */
export function parseFailOn(value: unknown, where = 'failOn'): FailOn | undefined {
  if (value === undefined) return undefined;
  if (value === 'breaking' || value === 'used') return value;
  throw new GatehouseError(
    'BAD_USER_INPUT',
    `${where} must be "breaking" (every breaking change fails) or "used" (only those recorded operations use), got ${JSON.stringify(value)}`,
  );
}

/** Composes the candidate with the subgraphs in service and compares the client-facing schemas. */
export async function checkCandidate(input: CheckInput): Promise<CheckReport> {
  const others = input.current.filter((s) => s.name !== input.candidate.name);
  const composed = composeSubgraphs([...others, input.candidate]);
  const requested = input.failOn;
  if (composed.problems !== undefined) {
    return {
      ok: false,
      compositionErrors: formatCompositionProblems(composed.problems),
      changes: [],
      failOn: requested ?? 'breaking',
    };
  }
  const base = baseSupergraph(input);
  // The first subgraph of an empty graph: everything it adds, against a schema with nothing.
  const found = diffSchemas(
    base === undefined ? new GraphQLSchema({}) : apiSchemaOf(base),
    apiSchemaOf(composed.supergraphSdl),
  );
  const usage = await readUsage(
    input.usage,
    found.filter((c) => c.kind !== 'safe'),
  );
  const failOn: FailOn =
    requested ?? (usage.operations !== undefined && usage.operations > 0 ? 'used' : 'breaking');
  const changes = found.map(({ usageCoordinates, ...found }): CheckChange => {
    const change: CheckChange = found;
    if (change.kind === 'safe') return change;
    const affected = usage.affected?.(usageCoordinates);
    if (affected !== undefined) change.affected = affected;
    // A change whose coordinate is unknown, or usage that could not be read, decides nothing.
    if (change.kind === 'breaking')
      change.blocking =
        failOn === 'breaking' ||
        affected === undefined ||
        affected.length > 0 ||
        usageCoordinates.length === 0;
    return change;
  });
  return {
    ok: !changes.some((c) => c.blocking),
    compositionErrors: [],
    changes,
    failOn,
    supergraphSdl: composed.supergraphSdl,
    ...(input.usage ? { usage: { operations: usage.operations, error: usage.error } } : {}),
  };
}

/** The supergraph in service: given, or composed from `current`; undefined when there is none. */
function baseSupergraph(input: CheckInput): string | undefined {
  if (input.currentSupergraphSdl !== undefined) return input.currentSupergraphSdl;
  if (input.current.length === 0) return undefined;
  const composed = composeSubgraphs(input.current);
  if (composed.problems !== undefined) {
    throw new Error(
      `the subgraphs in service do not compose, so there is nothing to compare with:\n${formatCompositionProblems(composed.problems).join('\n')}`,
    );
  }
  return composed.supergraphSdl;
}

interface UsageRead {
  operations?: number;
  error?: string;
  /** The operations using any of these coordinates (merged, most used first). */
  affected?: (coordinates: readonly string[]) => OperationUse[];
}

async function readUsage(
  reader: UsageReader | undefined,
  changes: readonly { usageCoordinates: string[] }[],
): Promise<UsageRead> {
  if (reader === undefined) return {};
  try {
    const coordinates = [...new Set(changes.flatMap((c) => c.usageCoordinates))];
    const [using, operations] = await Promise.all([
      reader.operationsUsing(coordinates),
      reader.operationCount?.() ?? Promise.resolve(undefined),
    ]);
    return {
      operations,
      affected(wanted) {
        const merged = new Map<string, OperationUse>();
        for (const coordinate of wanted) {
          for (const use of using.get(coordinate) ?? []) merged.set(use.operation, use);
        }
        return [...merged.values()].sort(
          (a, b) => b.count - a.count || a.operation.localeCompare(b.operation),
        );
      },
    };
  } catch (error) {
    // Usage that cannot be read decides nothing: every breaking change fails, as without usage.
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
