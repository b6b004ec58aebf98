/** The contract every load generator of the harness meets. */
export interface LoadSpec {
  /** Target endpoint, always on 127.0.0.1. */
  url: string;
  /** The POST body, and the same in a file (for wrk). */
  body: string;
  bodyFile: string;
  connections: number;
  /** A different `Authorization` header on each request. */
  uniqueAuth: boolean;
  /**
   * Signed JWTs instead: request n (0-based) sends `Bearer <token start + n>` of the pool file
   * (one token per line), wrapping past its `size` tokens.
   */
  tokens?: { file: string; size: number; start: number };
  /** Seconds of load; the generator stops by itself. */
  durationS: number;
}

export interface LoadResult {
  /** Responses received. */
  requests: number;
  /** Seconds the load actually lasted. */
  durationS: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses with a status of 400 or more. */
  statusErrors: number;
  /** Connect, read and write errors. */
  socketErrors: number;
  /** Requests without an answer within the timeout. */
  timeouts: number;
}

export interface LoadGenerator {
  name: string;
  /** Version or build, for the report. */
  version: string;
  run(spec: LoadSpec): Promise<LoadResult>;
}

/** Nothing answers slower than this in a healthy run; a request past it counts as a timeout. */
export const REQUEST_TIMEOUT_S = 10;
