/**
 * Defaults that more than one place needs: the config schema (its `.default()`), the room that
 * reads the resolved value, and the builders that can be called without config. Each lives here
 * once; units in the name or beside the number.
 */

/** Lookup calls in flight at once for one `_entities` request without a batch endpoint or field. */
export const LOOKUP_CONCURRENCY = 8;

/** First delay before loading a failed subgraph again, in milliseconds. */
export const RETRY_INITIAL_DELAY = 1_000; // 1 s

/** Longest delay between two loads of a failed subgraph (the delay doubles up to it), in milliseconds. */
export const RETRY_MAX_DELAY = 30_000; // 30 s

/** Time between two `stat` checks of a watched supergraph file (the directory watch's backstop), in milliseconds. */
export const RELOAD_POLL_INTERVAL = 1_000; // 1 s

/** Time between two health checks of the required subgraphs in service, in milliseconds. */
export const HEALTH_CHECK_INTERVAL = 10_000; // 10 s

/** Deadline of one health check, in milliseconds; past it the subgraph counts as down. */
export const HEALTH_CHECK_TIMEOUT = 2_000; // 2 s

/** On shutdown, how long requests in flight may take before their connections are closed, in milliseconds. */
export const SHUTDOWN_TIMEOUT = 10_000; // 10 s

/** What clients see of a subgraph's error by default: its message as sent, and only its `code`. */
export const SUBGRAPH_ERROR_DEFAULTS = {
  message: 'pass',
  replacement: 'Error in a subgraph',
  extensions: 'code',
} as const;

/**
 * Extensions a subgraph may send that never reach clients: stack traces and exception details
 * (Apollo Server in development), and `http`, which Yoga would apply to the gateway's response.
 */
export const INTERNAL_EXTENSIONS: ReadonlySet<string> = new Set(['exception', 'stacktrace', 'http']);

/** Liveness endpoint. */
export const HEALTH_PATH = '/healthz';

/** Readiness endpoint. */
export const READY_PATH = '/readyz';

/**
 * The default budget (`upstream.maxBodyBytesInFlight`): 256 MiB, four answers of the largest size
 * allowed (`upstream.maxResponseSize`, 64 MiB) or thousands of ordinary ones at once. With what
 * the strings and parsed answers add, it keeps a gateway under load well inside a 2 GiB heap.
 */
export const DEFAULT_MAX_BODY_BYTES_IN_FLIGHT = 256 * 1024 * 1024; // 256 MiB
