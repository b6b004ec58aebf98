/**
 * Durations in the config: milliseconds, or a number with a unit (`"500ms"`, `"2s"`, `"1m"`,
 * `"1h"`); always milliseconds once resolved. In a file of its own so that each room's schema file
 * can use it without importing `schema.ts`, which imports them.
 */
import { z } from 'zod';

// Node timers overflow past 2^31 - 1 ms (about 24.8 days) and then fire at once.
const MAX_DURATION = 2_147_483_647;
const DURATION_TEXT = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const DURATION_FIX = 'a number of milliseconds (2000) or a number with a unit: "500ms", "2s", "1m", "1h"';

/** A duration as written in the config (`2000`, `"2s"`) in milliseconds; undefined when it is not one. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  const match = typeof value === 'string' ? DURATION_TEXT.exec(value) : null;
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** What is wrong with a value that is not a duration, naming the value. */
const durationProblem = (input: unknown) => `must be ${DURATION_FIX}, not ${JSON.stringify(input)}`;

/** A duration: milliseconds, or a string with a unit; always milliseconds once resolved. */
export const duration = (what: string) =>
  z
    .union(
      [
        z.number().int().positive().max(MAX_DURATION, `must be at most ${MAX_DURATION} ms (about 24 days)`),
        z.string().regex(DURATION_TEXT, { error: (issue) => durationProblem(issue.input) }),
      ],
      { error: (issue) => durationProblem(issue.input) },
    )
    .transform((value) => durationMs(value) as number)
    .pipe(
      z
        .number()
        .int(`must be a whole number of milliseconds; use ${DURATION_FIX}`)
        .positive()
        .max(MAX_DURATION, `must be at most ${MAX_DURATION} ms (about 24 days)`),
    )
    .describe(`${what}: milliseconds, or a string with a unit ("500ms", "2s", "1m", "1h")`);
