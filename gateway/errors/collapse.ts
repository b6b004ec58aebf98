/**
 * Identical errors sent once (stage: response). When a subgraph is down, a list of N entities
 * gives N errors that differ only by path; clients and logs get one, with every path in
 * `extensions.paths`, in result order (the first also in `path`): a result's keys are in the order
 * of the operation's selections and list items by index, whatever order the engine raised the
 * errors in (the plan engine raises them fetch by fetch). Errors are identical when their message and
 * extensions (so `code` and `serviceName`) are, and both are the gateway's or both a subgraph's. Runs after the mask, on what clients would see.
 *
 * Limits keep an answer small whatever the outage: at most `maxPaths` paths per error (the number
 * left out in `extensions.pathsOmitted`) and `maxErrors` errors per answer (the number left out in
 * the answer's `extensions.errorsOmitted`).
 */
import type { ExecutionResult } from 'graphql';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { copyExtensions, isGatewayError } from '../../core/errors.ts';

export interface CollapseErrorsOptions {
  /** Most paths listed on one error. @default 100 */
  maxPaths?: number;
  /** Most errors in one answer. @default 100 */
  maxErrors?: number;
}

type Path = ReadonlyArray<string | number>;

/** The plugin: every single (not streamed) result has its identical errors collapsed. */
export function useCollapseErrors(options: CollapseErrorsOptions = {}): Plugin {
  const limits = { maxPaths: options.maxPaths ?? 100, maxErrors: options.maxErrors ?? 100 };
  const collapse = (result: ExecutionResult): ExecutionResult => {
    if (result.errors === undefined || result.errors.length < 2) return result;
    const { errors, omitted } = collapseErrors(result.errors, limits, result.data);
    return omitted > 0
      ? { ...result, errors, extensions: { ...result.extensions, errorsOmitted: omitted } }
      : { ...result, errors };
  };
  return {
    onExecutionResult({ result, setResult }) {
      if (result === undefined || Symbol.asyncIterator in result) return;
      setResult(collapse(result));
    },
  };
}

/**
 * `errors` with each set of identical located errors as one (in the order they first appear),
 * its paths sorted in the order of `data` (the result the errors belong to), and at most
 * `maxErrors` of them; `omitted` is how many were left out.
 */
export function collapseErrors(
  errors: readonly GraphQLError[],
  limits: Required<CollapseErrorsOptions>,
  data?: unknown,
): { errors: GraphQLError[]; omitted: number } {
  const groups = new Map<string, { first: GraphQLError; members: GraphQLError[] }>();
  const out: Array<GraphQLError | { first: GraphQLError; members: GraphQLError[] }> = [];
  const inResultOrder = resultOrder(data);
  for (const error of errors) {
    if (error.path === undefined) {
      out.push(error);
      continue;
    }
    // Provenance is part of identity: a subgraph's error never joins (or lends its mark to) the gateway's.
    const key = `${isGatewayError(error) ? 'g' : 's'}\u0000${error.message}\u0000${JSON.stringify(error.extensions ?? {})}`;
    const group = groups.get(key);
    if (group) group.members.push(error);
    else {
      const created = { first: error, members: [error] };
      groups.set(key, created);
      out.push(created);
    }
  }
  const collapsed = out.map((entry) => {
    if (entry instanceof GraphQLError) return entry;
    if (entry.members.length === 1) return entry.first;
    // The error first in result order lends its path and its locations (the same field's).
    const members = entry.members.toSorted((a, b) => inResultOrder(a.path!, b.path!));
    const first = members[0]!;
    const paths = members.map((m) => m.path!);
    const extensions = copyExtensions(first, { paths: paths.slice(0, limits.maxPaths) });
    if (paths.length > limits.maxPaths) extensions.pathsOmitted = paths.length - limits.maxPaths;
    return new GraphQLError(first.message, {
      nodes: first.nodes,
      source: first.source,
      positions: first.positions,
      path: paths[0],
      extensions,
    });
  });
  return {
    errors: collapsed.slice(0, limits.maxErrors),
    omitted: Math.max(0, collapsed.length - limits.maxErrors),
  };
}

/**
 * Compares two paths by their places in `data`: list items by index, fields by the order of the
 * object's keys (the order of the selections). Where `data` cannot tell (a parent nulled by an
 * error), the paths keep the order they came in (the sort is stable).
 */
function resultOrder(data: unknown): (a: Path, b: Path) => number {
  return function compareInResult(a, b) {
    let node = data;
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const x = a[i] as string | number;
      const y = b[i] as string | number;
      if (x !== y) {
        if (typeof x === 'number' && typeof y === 'number') return x - y;
        if (typeof x !== 'string' || typeof y !== 'string' || !isObject(node)) return 0;
        const keys = Object.keys(node);
        const [ix, iy] = [keys.indexOf(x), keys.indexOf(y)];
        return ix === -1 || iy === -1 ? 0 : ix - iy;
      }
      node = isObject(node) ? (node as Record<string | number, unknown>)[x] : undefined;
    }
    return a.length - b.length;
  };
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
