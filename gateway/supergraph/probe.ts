/**
 * Health checks of subgraphs while the gateway runs, required and optional alike (a required one
 * that is down makes `/readyz` answer 503; an optional one, `degraded` with 200): every
 * `interval`, a cheap request to each (`{ __typename }` POSTed to a GraphQL endpoint, a GET of a REST API's base URL), bounded
 * by `timeout`. A REST API answering with any status is up; a GraphQL endpoint is up unless it
 * answers 5xx; a connection failure or timeout is down. Transitions are logged. Probes go through
 * the pooled upstream client, so its interceptors (breakers, metrics, header rules) see them,
 * under the subgraph's name.
 */
import type { UpstreamClient } from '../../core/http-client.ts';
import type { Logger } from '../logger/index.ts';
import type { ProbeTarget } from './source.ts';

export interface ProbeOptions {
  /** The pooled client, read at each probe (the load context's). */
  client: () => UpstreamClient;
  targets: () => readonly ProbeTarget[];
  /** Time between two rounds, in milliseconds. */
  interval: number;
  /** Deadline of one probe, in milliseconds. */
  timeout: number;
  logger: Logger;
}

export interface Probes {
  /** False when the last probe of `name` failed; true when it succeeded or never ran. */
  reachable(name: string): boolean;
  /** One round now (also run every `interval`). */
  probeAll(): Promise<void>;
  stop(): Promise<void>;
}

const TYPENAME = JSON.stringify({ query: '{ __typename }' });

export function createProbes(options: ProbeOptions): Probes {
  const { logger, timeout } = options;
  const down = new Map<string, string>();
  let stopped = false;
  const stopping = new AbortController();
  let round: Promise<void> | undefined;

  const probe = async (target: ProbeTarget): Promise<string | undefined> => {
    try {
      const graphql = target.kind === 'graphql';
      const response = await options.client().request({
        serviceName: target.name,
        url: target.url,
        method: graphql ? 'POST' : 'GET',
        headers: { ...target.headers, ...(graphql && { 'content-type': 'application/json' }) },
        body: graphql ? TYPENAME : undefined,
        timeout,
        signal: stopping.signal,
        kind: 'health-check',
      });
      return graphql && response.status >= 500 ? `answered HTTP ${response.status}` : undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };

  const probeAll = async () => {
    await Promise.all(
      options.targets().map(async (target) => {
        const failure = await probe(target);
        if (stopped) return;
        const which = `${target.required ? 'required' : 'optional'} subgraph ${target.name}`;
        if (failure !== undefined && !down.has(target.name)) {
          logger.warn(`${which} is down: ${failure}`);
        } else if (failure === undefined && down.has(target.name)) {
          logger.info(`${which} is up again`);
        }
        if (failure === undefined) down.delete(target.name);
        else down.set(target.name, failure);
      }),
    );
  };

  const timer = setInterval(() => {
    round ??= probeAll().finally(() => {
      round = undefined;
    });
  }, options.interval);
  timer.unref();

  return {
    reachable: (name) => !down.has(name),
    probeAll,
    async stop() {
      stopped = true;
      clearInterval(timer);
      stopping.abort();
      await round;
    },
  };
}
