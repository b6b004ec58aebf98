/**
 * Config problems as users read them: one per mistake, each with the path in the file
 * (`subgraphs[1].url`) and what to change. An unknown key names the closest known key; a value
 * that came from an environment variable names the variable.
 */
import type { z } from 'zod';

export interface ConfigProblem {
  /** Where, in the file's terms: `server.port`, `subgraphs[0].url`, or `(root)`. */
  path: string;
  /** What is wrong and what to change. */
  message: string;
}

/** `path: message`, the form printed to users. */
export function formatProblem(problem: ConfigProblem): string {
  return `${problem.path}: ${problem.message}`;
}

/** Renders a path as written in the docs: `subgraphs[0].url`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/**
 * Turns zod issues into problems. `schema` is what was checked (for the keys an unknown key may be
 * a misspelling of), `input` what was given, `sources` the paths set by environment variables.
 */
export function toProblems(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  input: unknown,
  sources: ReadonlyMap<string, string> = new Map(),
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, issue.path, input);
      for (const key of issue.keys) {
        const close = closest(key, known);
        problems.push({
          path: formatPath([...issue.path, key]),
          message: `unknown key; ${close ? `did you mean "${close}"? ` : ''}remove it or check the spelling${
            known.length > 0 ? ` (known here: ${known.join(', ')})` : ''
          }`,
        });
      }
      continue;
    }
    const path = formatPath(issue.path);
    const source = sources.get(path);
    problems.push({ path, message: `${describe(issue, input)}${source ? ` (set by ${source})` : ''}` });
  }
  return problems;
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'kind') {
    const given = valueAt(input, issue.path);
    return `${given === undefined ? 'missing' : `unknown kind ${JSON.stringify(given)}`}; set \`kind\` to "federation", "graphql" or "rest"`;
  }
  if (issue.code === 'invalid_type') {
    const given = valueAt(input, issue.path);
    if (given === undefined) return `required; add it (${issue.expected})`;
    return `must be ${article(issue.expected)}, not ${JSON.stringify(given)}`;
  }
  if (issue.code === 'invalid_key') {
    return `the key ${JSON.stringify(issue.path.at(-1))} ${issue.issues.map((i) => i.message).join('; ')}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'number') {
    return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}, not ${JSON.stringify(valueAt(input, issue.path))}`;
  }
  if (issue.code === 'too_big' && issue.origin === 'number' && issue.message.startsWith('Too big')) {
    return `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}, not ${JSON.stringify(valueAt(input, issue.path))}`;
  }
  return issue.message;
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  element?: { _zod: { def: Def } };
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  options?: Array<{ _zod: { def: Def } }>;
}

/** The keys the schema allows at `path` (for a list of subgraphs, those of the entry's `kind`). */
function keysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>, input: unknown): string[] {
  let def: Def | undefined = (schema as unknown as { _zod: { def: Def } })._zod.def;
  let value = input;
  for (let i = 0; def !== undefined; ) {
    if (def.innerType) def = def.innerType._zod.def;
    else if (def.in) def = def.in._zod.def;
    else if (def.options) {
      const kind = (value as { kind?: unknown } | undefined)?.kind;
      def = def.options
        .map((o) => o._zod.def)
        .find((o) => o.shape?.kind && literalOf(o.shape.kind._zod.def) === kind);
    } else if (i === path.length) return def.shape ? Object.keys(def.shape) : [];
    else if (def.element && typeof path[i] === 'number') {
      value = (value as unknown[] | undefined)?.[path[i] as number];
      def = def.element._zod.def;
      i++;
    } else if (def.shape) {
      const key = String(path[i]);
      value = (value as Record<string, unknown> | undefined)?.[key];
      def = def.shape[key]?._zod.def;
      i++;
    } else return [];
  }
  return [];
}

function literalOf(def: Def): unknown {
  return (def as { values?: unknown[] }).values?.[0];
}

/** The known key within two edits of `key` (or differing only in case), if there is one. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (distance <= 2 && (best === undefined || distance < best.distance))
      best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
