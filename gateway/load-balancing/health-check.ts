/**
 * Active health checks of load-balanced targets. Each target of a subgraph with
 * `loadBalancing.healthCheck` is checked at start, then `interval` after its last check ended (so
 * checks of one target never overlap): a GET of `path` on its origin (healthy on 2xx) or a POST of
 * `query` to its URL (healthy on 2xx with a GraphQL answer without `errors`), bounded by
 * `timeout`. `unhealthyThreshold` failures in a row take a healthy target out; `healthyThreshold`
 * successes in a row bring it back. Checks go through the pooled client with `kind:
 * 'health-check'`, marked as the room's own (`isOwnCheck`) so that the room sends them where they
 * are addressed; timers are unref'd and `stop()` ends them.
 */
import type { UpstreamClient, UpstreamRequest } from '../../core/http-client.ts';
import type { HealthCheckConfig } from '../config/load-balancing-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { Target } from './target.ts';

const OWN_CHECK: unique symbol = Symbol('gatehouse.loadBalancingCheck');

/** True for a request this file sent (a symbol property: copies made with spread keep it). */
export function isOwnCheck(request: UpstreamRequest): boolean {
  return (request as UpstreamRequest & { [OWN_CHECK]?: true })[OWN_CHECK] === true;
}

/** The targets of one subgraph to check, and how. */
export interface CheckedSubgraph {
  serviceName: string;
  targets: readonly Target[];
  config: HealthCheckConfig;
  /** The subgraph's configured `headers`, sent with each check. */
  headers: Readonly<Record<string, string>>;
}

export interface HealthCheckOptions {
  subgraphs: readonly CheckedSubgraph[];
  client: UpstreamClient;
  logger: Logger;
  /** The clock, in milliseconds (the room's). */
  now: () => number;
}

/** Starts checking every target now and every `interval`; the returned function stops them all. */
export function startHealthChecks(options: HealthCheckOptions): () => void {
  const { client, logger, now } = options;
  const stopping = new AbortController();
  const timers = new Set<NodeJS.Timeout>();

  const schedule = (subgraph: CheckedSubgraph, target: Target, delay: number) => {
    target.nextCheckAt = now() + delay;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void check(subgraph, target).then((failure) => {
        if (stopping.signal.aborted) return;
        record(subgraph, target, failure);
        schedule(subgraph, target, subgraph.config.interval);
      });
    }, delay);
    timer.unref();
    timers.add(timer);
  };

  const check = async (subgraph: CheckedSubgraph, target: Target): Promise<string | undefined> => {
    const { config } = subgraph;
    const request: UpstreamRequest & { [OWN_CHECK]: true } = {
      serviceName: subgraph.serviceName,
      url: config.path === undefined ? target.url : new URL(config.path, target.url).href,
      method: config.path === undefined ? 'POST' : 'GET',
      headers:
        config.path === undefined
          ? { ...subgraph.headers, 'content-type': 'application/json', accept: 'application/json' }
          : { ...subgraph.headers },
      body: config.path === undefined ? JSON.stringify({ query: config.query }) : undefined,
      timeout: config.timeout,
      signal: stopping.signal,
      kind: 'health-check',
      // A check reports the target's own answer: never retried (on another target or not).
      idempotent: false,
      [OWN_CHECK]: true,
    };
    try {
      const response = await client.request(request);
      if (response.status < 200 || response.status >= 300) return `answered HTTP ${response.status}`;
      return config.path === undefined ? graphqlProblem(response.body) : undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };

  const record = (subgraph: CheckedSubgraph, target: Target, failure: string | undefined) => {
    const { config, serviceName } = subgraph;
    // The streak counts checks that disagree with the target's state; one that agrees resets it.
    if ((failure === undefined) === target.healthy) {
      target.streak = 0;
      return;
    }
    target.streak++;
    if (target.healthy && target.streak >= config.unhealthyThreshold) {
      target.healthy = false;
      target.streak = 0;
      logger.warn(`subgraph ${serviceName}: ${target.url} is unhealthy: ${failure}`, {
        serviceName,
        target: target.url,
      });
    } else if (!target.healthy && target.streak >= config.healthyThreshold) {
      target.healthy = true;
      target.streak = 0;
      logger.info(`subgraph ${serviceName}: ${target.url} is healthy again`, {
        serviceName,
        target: target.url,
      });
    }
  };

  for (const subgraph of options.subgraphs) {
    for (const target of subgraph.targets) schedule(subgraph, target, 0);
  }
  return function stopHealthChecks() {
    stopping.abort();
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}

/** Why a 2xx body is not a healthy GraphQL answer; undefined when it is one. */
function graphqlProblem(body: string): string | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return 'answered with a body that is not JSON';
  }
  if (typeof answer !== 'object' || answer === null || !('data' in answer || 'errors' in answer)) {
    return 'answered with JSON that is not a GraphQL response';
  }
  const { errors } = answer as { errors?: unknown };
  if (Array.isArray(errors) && errors.length > 0) return `answered with ${errors.length} GraphQL error(s)`;
  return undefined;
}
