/**
 * Process entry points behind the CLI: load the config, create the gateway, listen, and shut
 * down gracefully on SIGINT/SIGTERM (stop accepting, finish in-flight requests, close pools);
 * SIGHUP reloads the config without dropping a request (`server/reloadable.ts`).
 */
import { type AdminListening, httpOrigin, listenAdmin } from './admin/index.ts';
import { type GatehouseConfig, loadConfig } from './config/index.ts';
import { type StartOptions, startConfig } from './config/start-options.ts';
import { createGateway, type Gateway } from './create-gateway.ts';
import { createUpstreamClient } from './http/index.ts';
import { loggerOptions } from './logger/config.ts';
import { createLogger, silentLogger } from './logger/index.ts';
import { listenMetrics, type MetricsListening } from './metrics/index.ts';
import { type ReloadableServer, type ReloadOutcome, serveReloadable } from './server/reloadable.ts';
import { type ComposeOutcome, composeOnce, subgraphSources } from './supergraph/index.ts';
import { createLoadContext } from './upstream/index.ts';

export type { StartOptions } from './config/start-options.ts';
export type { ReloadOutcome } from './server/reloadable.ts';

/** `gatehouse start`: runs until SIGINT or SIGTERM; SIGHUP reads the same config file and flags again. */
export async function runStart(options: StartOptions): Promise<ServedGateway> {
  const config = await startConfig(options);
  return serve(config, undefined, { readConfig: () => startConfig(options) });
}

/** A gateway served by `serve()`: the one in service, and its reload. */
export interface ServedGateway extends Gateway {
  /**
   * What SIGHUP does: builds a gateway from `config` (else from the config read again, else the
   * same config) beside the one in service, starts it, and swaps it in once it has a schema; the
   * old one finishes its requests, then closes. A failure keeps the gateway in service. Never rejects.
   */
  reload(config?: GatehouseConfig): Promise<ReloadOutcome>;
}

export interface ServeOptions {
  /** Reads the config again on SIGHUP (`reload()` without a config). @default the config served */
  readConfig?: () => Promise<GatehouseConfig>;
}

/** Starts a gateway for `config`, listens, and installs the signal handlers. */
export async function serve(
  config: GatehouseConfig,
  onClose?: () => Promise<void>,
  options: ServeOptions = {},
): Promise<ServedGateway> {
  // The config's `logging` (format, level, redaction); GATEHOUSE_LOG_LEVEL/FORMAT still win.
  const logger = createLogger(loggerOptions(config));
  let server: ReloadableServer<Gateway> | undefined;
  const onHangup = () => {
    if (server === undefined) {
      logger.warn('SIGHUP received while starting; ignored (send it again once the gateway listens)');
      return;
    }
    logger.info('SIGHUP received: reloading the config');
    void server.reload();
  };
  const onInterrupt = () => shutdown('SIGINT');
  const onTerminate = () => shutdown('SIGTERM');
  // Every listener this call adds is removed when the gateway closes or fails to start, so a
  // program that serves, closes and serves again does not pile them up.
  const removeSignalHandlers = () => {
    process.off('SIGHUP', onHangup);
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
  };
  // Installed first: without a handler, SIGHUP would end the process without a word.
  process.on('SIGHUP', onHangup);
  try {
    server = await serveReloadable<Gateway>({
      config,
      logger,
      create: (next) => createGateway({ config: next, logger }),
      readConfig: options.readConfig,
    });
  } catch (error) {
    removeSignalHandlers();
    throw error;
  }
  const served = server;
  const { url, port, server: httpServer } = served.listening;
  // `metrics.port`: one listener for the process, serving the metrics of the gateway in service.
  let metrics: MetricsListening | undefined;
  if (config.metrics.enabled && config.metrics.port !== undefined) {
    try {
      metrics = await listenMetrics(
        config.server.host,
        config.metrics.port,
        () => served.current.metricsHandler,
      );
    } catch (error) {
      removeSignalHandlers();
      await served.close();
      throw error;
    }
    logger.info(`metrics at http://${config.server.host}:${metrics.port}${config.metrics.path}`);
  }
  // `admin.port`: one listener for the process too, serving the admin endpoint of the gateway in service.
  let admin: AdminListening | undefined;
  let adminUrl: string | undefined;
  if (config.admin.enabled && config.admin.port !== undefined) {
    try {
      admin = await listenAdmin(config.server.host, config.admin.port, () => served.current.adminHandler);
    } catch (error) {
      removeSignalHandlers();
      await metrics?.close();
      await served.close();
      throw error;
    }
    adminUrl = `${httpOrigin(config.server.host, admin.port)}${config.admin.path}`;
    logger.info(`admin endpoint at ${adminUrl}`);
  }
  const gateway: ServedGateway = {
    get yoga() {
      return served.current.yoga;
    },
    get supergraph() {
      return served.current.supergraph;
    },
    get client() {
      return served.current.client;
    },
    get handler() {
      return served.current.handler;
    },
    start: () => served.current.start(),
    listen: async () => ({ url, port, server: httpServer, ...(adminUrl !== undefined && { adminUrl }) }),
    closeRooms: () => served.current.closeRooms(),
    reload: (next) => served.reload(next),
    async close() {
      removeSignalHandlers();
      await metrics?.close();
      await admin?.close();
      await served.close();
    },
  };
  logger.info(`Gatehouse is listening on ${url}`);
  let closing = false;
  function shutdown(signal: string): void {
    if (closing) return;
    closing = true;
    logger.info(`${signal} received: finishing in-flight requests, then exiting`);
    gateway
      .close()
      .then(() => onClose?.())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      });
  }
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  return gateway;
}

/** `gatehouse compose`: loads every subgraph once and composes them. */
export async function runCompose(options: { configFile?: string }): Promise<ComposeOutcome> {
  const config = await loadConfig(options.configFile);
  if (config.subgraphs.length === 0)
    return { problems: ['the config lists no subgraphs to compose (it points at a supergraph file)'] };
  const logger = createLogger();
  const client = createUpstreamClient(config.upstream, logger);
  try {
    return await composeOnce({
      subgraphs: subgraphSources(config.subgraphs),
      context: createLoadContext(client),
      // Each failure is in the outcome, printed once by the command.
      logger: silentLogger,
    });
  } finally {
    await client.close();
  }
}
