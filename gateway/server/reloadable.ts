/**
 * A listener whose gateway can be replaced while it serves (stage: request): SIGHUP's config
 * reload. A new gateway is built from the new config beside the one in service and started (its
 * first round of loading); only once it has a schema is the server's request handler switched to
 * it, in one assignment, so every request runs whole on one gateway or the other. The old gateway
 * answers the requests it already had, then its rooms close (the listening socket never does).
 * A config that cannot be read or checked, or a new gateway that fails to start or has no
 * schema, is logged with its problems and the gateway in service stays. One reload runs at a
 * time; reloads asked for meanwhile are done once after it, with the last config asked for.
 */
import type { RequestListener } from 'node:http';
import { GatehouseError } from '../../core/errors.ts';
import type { GatehouseConfig } from '../config/index.ts';
import type { Logger } from '../logger/index.ts';
import { type Listening, listen } from './index.ts';

/** What the reloadable server needs of a gateway (`Gateway` in `create-gateway.ts`). */
export interface ServableGateway {
  handler: RequestListener;
  start(): Promise<void>;
  closeRooms(): Promise<void>;
  supergraph: {
    readonly served: { version: string } | undefined;
    /** Counts a failed reload on the gateway in service (its `/readyz` reloads and metric). */
    refused?(problem: string, source?: 'reload'): void;
  };
}

export interface ReloadableOptions<G extends ServableGateway> {
  config: GatehouseConfig;
  logger: Logger;
  /** Builds a gateway for a config (not started); throws CONFIG_INVALID on what it cannot serve. */
  create(config: GatehouseConfig): G;
  /** Reads the config again for a reload without one. @default the config served */
  readConfig?: () => Promise<GatehouseConfig>;
}

/** What became of a reload. */
export interface ReloadOutcome {
  /** A new gateway serves from now on. */
  ok: boolean;
  /** Why the gateway in service was kept (none when `ok`). */
  problems: string[];
  /** The schema version the gateway in service serves. */
  version?: string;
}

export interface ReloadableServer<G extends ServableGateway> {
  /** The gateway serving new requests. */
  readonly current: G;
  readonly listening: Listening;
  /** Reloads from `config`, or from the config read again (`readConfig`). Never rejects. */
  reload(config?: GatehouseConfig): Promise<ReloadOutcome>;
  /** Stops accepting, drains, then closes every gateway's rooms. */
  close(): Promise<void>;
}

/** Listens with the first gateway, starts it, and returns the server that reloads. */
export async function serveReloadable<G extends ServableGateway>(
  options: ReloadableOptions<G>,
): Promise<ReloadableServer<G>> {
  const { logger } = options;
  let config = options.config;
  let current = options.create(config);
  let handler = current.handler;
  // The one indirection a request pays: the handler in service, read at its start.
  const listener: RequestListener = function reloadableRequest(request, response) {
    handler(request, response);
  };
  let listening: Listening | undefined;
  try {
    listening = await listen(listener, config.server);
    // Bound first, loaded second: /healthz answers while the subgraphs load.
    await current.start();
  } catch (error) {
    await listening?.close();
    await current.closeRooms();
    throw error;
  }
  const served = listening;
  const retiring = new Set<Promise<void>>();
  let closed = false;

  const kept = (problems: string[]): ReloadOutcome => {
    logger.error(`reload failed; the gateway in service is kept:\n  ${problems.join('\n  ')}`);
    current.supergraph.refused?.(`config reload failed: ${problems.join('; ')}`, 'reload');
    return { ok: false, problems, version: current.supergraph.served?.version };
  };

  /** Closes a swapped-out gateway once the requests in flight at the swap are answered. */
  const retire = (old: G, timeout: number) => {
    const done = served
      .settled(timeout)
      .then(() => old.closeRooms())
      .catch((error: unknown) =>
        logger.error('closing the gateway swapped out by a reload failed', { error }),
      )
      .finally(() => retiring.delete(done));
    retiring.add(done);
  };

  const swap = async (given: GatehouseConfig | undefined): Promise<ReloadOutcome> => {
    if (closed) return { ok: false, problems: ['the gateway is closing'] };
    let next: GatehouseConfig;
    try {
      next = given ?? (options.readConfig ? await options.readConfig() : config);
    } catch (error) {
      return kept(problemsOf('the config cannot be read', error));
    }
    const { host, port } = config.server;
    if (next.server.host !== host || next.server.port !== port) {
      logger.warn(
        `reload: server.host and server.port cannot change without a restart; still listening on ${boundAddress(served)}`,
      );
    }
    // The listeners of their own ports are the process's, bound once.
    for (const key of ['metrics', 'admin'] as const) {
      if (next[key].port !== config[key].port)
        logger.warn(
          `reload: ${key}.port cannot change without a restart (${String(config[key].port)} → ${String(next[key].port)}); its listener stays as it was`,
        );
    }
    let gateway: G | undefined;
    try {
      gateway = options.create(next);
      await gateway.start();
    } catch (error) {
      await gateway?.closeRooms().catch(() => undefined);
      return kept(problemsOf('the new gateway cannot start', error));
    }
    if (closed || gateway.supergraph.served === undefined) {
      await gateway.closeRooms().catch(() => undefined);
      if (closed) return { ok: false, problems: ['the gateway is closing'] };
      return kept(['the new gateway has no schema (see the subgraph errors above)']);
    }
    const old = current;
    const oldTimeout = config.server.shutdownTimeout;
    current = gateway;
    config = next;
    handler = gateway.handler; // the swap: requests from now on run on the new gateway
    retire(old, oldTimeout);
    const version = gateway.supergraph.served.version;
    logger.info(
      `config reloaded: schema version ${version} in service; the previous gateway finishes its requests`,
    );
    return { ok: true, problems: [], version };
  };

  // Every reload runs on one chain: `last` is the last reload asked for (running or waiting), so
  // a new one starts only after it, even one asked for from a continuation of the one before.
  // At most one waits; the reloads asked for while it waits join it, and the last config wins.
  let last: Promise<ReloadOutcome> = Promise.resolve({ ok: true, problems: [] });
  let waiting: { config: GatehouseConfig | undefined; outcome: Promise<ReloadOutcome> } | undefined;

  return {
    get current() {
      return current;
    },
    listening: served,
    reload(given) {
      if (waiting) {
        waiting.config = given;
        return waiting.outcome;
      }
      const entry: { config: GatehouseConfig | undefined; outcome: Promise<ReloadOutcome> } = {
        config: given,
        outcome: last.then(() => {
          // Running from now on: a reload asked for from here waits for this one.
          if (waiting === entry) waiting = undefined;
          return swap(entry.config).catch((error: unknown) => kept(problemsOf('the reload failed', error)));
        }),
      };
      waiting = entry;
      last = entry.outcome;
      return entry.outcome;
    },
    async close() {
      closed = true;
      await last;
      await served.close();
      await Promise.all(retiring);
      await current.closeRooms();
    },
  };
}

/** The address the server is bound to (`127.0.0.1:41234`, `[::1]:41234`), not the one configured (port 0). */
function boundAddress(listening: Listening): string {
  const address = listening.server.address();
  if (address === null || typeof address === 'string') return listening.url;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${host}:${address.port}`;
}

/** The lines that say why: a config error's problems, else its message. */
function problemsOf(what: string, error: unknown): string[] {
  if (error instanceof GatehouseError) return [`${what}: ${error.message.split('\n')[0]}`, ...error.problems];
  return [`${what}: ${error instanceof Error ? error.message : String(error)}`];
}
