/**
 * Identical errors sent once (stage: response). When a subgraph is down, a list of N entities
 * gives N errors that differ only by path; clients and logs get one, with every path in
 * `extensions.paths` (the first also in `path`). Errors are identical when their message and
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
    const { errors, omitted } = collapseErrors(result.errors, limits);
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
 * `errors` with each set of identical located errors as one (in the order of their first), and
 * at most `maxErrors` of them; `omitted` is how many were left out.
 */
export function collapseErrors(
  errors: readonly GraphQLError[],
  limits: Required<CollapseErrorsOptions>,
): { errors: GraphQLError[]; omitted: number } {
  const groups = new Map<string, { first: GraphQLError; paths: Path[] }>();
  const out: Array<GraphQLError | { first: GraphQLError; paths: Path[] }> = [];
  for (const error of errors) {
    if (error.path === undefined) {
      out.push(error);
      continue;
    }
    // Provenance is part of identity: a subgraph's error never joins (or lends its mark to) the gateway's.
    const key = `${isGatewayError(error) ? 'g' : 's'}\u0000${error.message}\u0000${JSON.stringify(error.extensions ?? {})}`;
    const group = groups.get(key);
    if (group) group.paths.push(error.path);
    else {
      const created = { first: error, paths: [error.path] };
      groups.set(key, created);
      out.push(created);
    }
  }
  const collapsed = out.map((entry) => {
    if (entry instanceof GraphQLError) return entry;
    if (entry.paths.length === 1) return entry.first;
    const { first, paths } = entry;
    const extensions = copyExtensions(first, { paths: paths.slice(0, limits.maxPaths) });
    if (paths.length > limits.maxPaths) extensions.pathsOmitted = paths.length - limits.maxPaths;
    return new GraphQLError(first.message, {
      nodes: first.nodes,
      source: first.source,
      positions: first.positions,
      path: first.path,
      extensions,
    });
  });
  return {
    errors: collapsed.slice(0, limits.maxErrors),
    omitted: Math.max(0, collapsed.length - limits.maxErrors),
  };
}
