/**
 * Process entry points behind the CLI: load the config, create the gateway, listen, and shut
 * down gracefully on SIGINT/SIGTERM (stop accepting, finish in-flight requests, close pools);
 * SIGHUP is logged and ignored until reloading exists.
 */
import { type GatehouseConfig, loadConfig } from './config/index.ts';
import { type StartOptions, startConfig } from './config/start-options.ts';
import { createGateway, type Gateway } from './create-gateway.ts';
import { createUpstreamClient } from './http/index.ts';
import { createLogger, silentLogger } from './logger/index.ts';
import { type ComposeOutcome, composeOnce, subgraphSources } from './supergraph/index.ts';
import { createLoadContext } from './upstream/index.ts';

export type { StartOptions } from './config/start-options.ts';

/** `gatehouse start`: runs until SIGINT or SIGTERM. */
export async function runStart(options: StartOptions): Promise<Gateway> {
  const config = await startConfig(options);
  return serve(config);
}

/** Starts a gateway for `config`, listens, and installs the signal handlers. */
export async function serve(config: GatehouseConfig, onClose?: () => Promise<void>): Promise<Gateway> {
  const logger = createLogger();
  // Reloading is not there yet; without a handler, SIGHUP would end the process without a word.
  const onHangup = () => logger.warn('SIGHUP received: reloading is not supported yet; ignored');
  const onInterrupt = () => shutdown('SIGINT');
  const onTerminate = () => shutdown('SIGTERM');
  // Every listener this call adds is removed when the gateway closes or fails to start, so a
  // program that serves, closes and serves again does not pile them up.
  const removeSignalHandlers = () => {
    process.off('SIGHUP', onHangup);
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
  };
  process.on('SIGHUP', onHangup);
  const created = createGateway({ config, logger });
  const gateway: Gateway = {
    ...created,
    async close() {
      removeSignalHandlers();
      await created.close();
    },
  };
  let listening: Awaited<ReturnType<Gateway['listen']>>;
  try {
    listening = await created.listen();
  } catch (error) {
    await gateway.close();
    throw error;
  }
  logger.info(`Gatehouse is listening on ${listening.url}`);
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
