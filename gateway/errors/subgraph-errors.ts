/**
 * What clients see of the errors subgraphs return (stage: response), per `subgraphErrors` in the
 * config: by default the message and `code`; `extensions: all` passes the others too, and
 * `message: replace` hides the message. `exception` and `stacktrace` never pass: they are how
 * servers in development mode ship stack traces and internal state. The gateway's own errors
 * about a subgraph (made by `gatewayError()`, such as SUBGRAPH_UNAVAILABLE) are left as they are;
 * an error is judged by where it was made, never by its code, which a subgraph may copy.
 */
import { GraphQLError } from 'graphql';
import { INTERNAL_EXTENSIONS, SUBGRAPH_ERROR_DEFAULTS } from '../../core/defaults.ts';
import { isGatewayError } from '../../core/errors.ts';
import type { SubgraphErrorsConfig } from '../config/schema.ts';

export interface SubgraphErrorPolicy {
  /** `pass` the subgraph message, or `replace` it with `replacement`. @default 'pass' */
  message: 'pass' | 'replace';
  /** @default 'Error in a subgraph' */
  replacement: string;
  /** `code` only, or `all` extensions but the internal ones. @default 'code' */
  extensions: 'code' | 'all';
}

/** The policy of each subgraph, resolved once: its entry over the default. */
export function subgraphErrorPolicies(
  config: SubgraphErrorsConfig | undefined,
): (serviceName: string) => SubgraphErrorPolicy {
  const fallback: SubgraphErrorPolicy = {
    message: config?.default.message ?? SUBGRAPH_ERROR_DEFAULTS.message,
    replacement: config?.default.replacement ?? SUBGRAPH_ERROR_DEFAULTS.replacement,
    extensions: config?.default.extensions ?? SUBGRAPH_ERROR_DEFAULTS.extensions,
  };
  const resolved = new Map<string, SubgraphErrorPolicy>();
  for (const [name, entry] of Object.entries(config?.subgraphs ?? {})) {
    resolved.set(name, {
      message: entry.message ?? fallback.message,
      replacement: entry.replacement ?? fallback.replacement,
      extensions: entry.extensions ?? fallback.extensions,
    });
  }
  return (serviceName) => resolved.get(serviceName) ?? fallback;
}

/**
 * The service that returned `error` (its `extensions.serviceName`), or undefined when the error is
 * not a subgraph's: no service, or made by the gateway itself (`isGatewayError`). Whatever its
 * code, an error with a service that the gateway did not make is a subgraph's: fails closed.
 */
export function subgraphOf(error: GraphQLError): string | undefined {
  const serviceName = error.extensions?.serviceName;
  if (typeof serviceName !== 'string') return undefined;
  if (isGatewayError(error)) return undefined;
  return serviceName;
}

/** The subgraph error `raised` (located at `error`'s path) as clients may see it under `policy`. */
export function applySubgraphErrorPolicy(
  error: GraphQLError,
  raised: GraphQLError,
  serviceName: string,
  policy: SubgraphErrorPolicy,
): GraphQLError {
  const { code, ...rest } = raised.extensions ?? {};
  const extensions: Record<string, unknown> = { code: typeof code === 'string' ? code : 'SUBGRAPH_ERROR' };
  if (policy.extensions === 'all') {
    for (const [key, value] of Object.entries(rest)) {
      if (!INTERNAL_EXTENSIONS.has(key)) extensions[key] = value;
    }
  }
  extensions.serviceName = serviceName;
  return new GraphQLError(policy.message === 'replace' ? policy.replacement : raised.message, {
    nodes: error.nodes,
    path: error.path,
    extensions,
  });
}
