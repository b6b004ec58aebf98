/**
 * Process entry points behind the CLI: load the config, create the gateway, listen, and shut
 * down gracefully on SIGINT/SIGTERM (stop accepting, finish in-flight requests, close pools).
 */
import { existsSync } from 'node:fs';
import { composeSubgraphs, formatCompositionProblems } from '../schema/compose.ts';
import { subgraphLoader } from '../schema/loaders.ts';
import type { SubgraphDefinition } from '../schema/types.ts';
import { type GatehouseConfig, loadConfig, resolveConfig } from './config/index.ts';
import { createGateway, type Gateway } from './create-gateway.ts';
import { GatehouseError } from './errors/index.ts';
import { createUpstreamClient } from './http/index.ts';
import { createLogger } from './logger/index.ts';
import { createLoadContext } from './upstream/index.ts';

export interface StartOptions {
  configFile?: string;
  supergraphFile?: string;
  host?: string;
  port?: number;
}

/** The config `gatehouse start` runs with: file, then environment, then command-line flags. */
export async function startConfig(options: StartOptions): Promise<GatehouseConfig> {
  const config = await readStartConfig(options);
  if (config.supergraph !== undefined && !existsSync(config.supergraph)) {
    throw new GatehouseError('CONFIG_INVALID', `the supergraph file ${config.supergraph} does not exist`, [
      'check the --supergraph path (or `supergraph` in the config), or compose one with `gatehouse compose -o <file>`',
    ]);
  }
  return config;
}

/** The environment less the variables a command-line flag overrides: flags win over both. */
function envUnderFlags(options: StartOptions): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (options.port !== undefined) delete env.GATEHOUSE_PORT;
  if (options.host !== undefined) delete env.GATEHOUSE_HOST;
  if (options.supergraphFile !== undefined) delete env.GATEHOUSE_SUPERGRAPH;
  return env;
}

async function readStartConfig(options: StartOptions): Promise<GatehouseConfig> {
  const env = envUnderFlags(options);
  if (options.supergraphFile !== undefined && options.configFile === undefined) {
    return resolveConfig({ supergraph: options.supergraphFile, server: serverOverrides(options) }, { env });
  }
  const config = await loadConfig(options.configFile, env);
  if (options.supergraphFile === undefined && options.host === undefined && options.port === undefined)
    return config;
  return resolveConfig(
    {
      ...structuredClone(config),
      ...(options.supergraphFile !== undefined ? { supergraph: options.supergraphFile, subgraphs: [] } : {}),
      server: { ...config.server, ...serverOverrides(options) },
    },
    { env },
  );
}

function serverOverrides(options: StartOptions) {
  return {
    ...(options.host !== undefined && { host: options.host }),
    ...(options.port !== undefined && { port: options.port }),
  };
}

/** `gatehouse start`: runs until SIGINT or SIGTERM. */
export async function runStart(options: StartOptions): Promise<Gateway> {
  const config = await startConfig(options);
  return serve(config);
}

/** Starts a gateway for `config`, listens, and installs the signal handlers. */
export async function serve(config: GatehouseConfig, onClose?: () => Promise<void>): Promise<Gateway> {
  const logger = createLogger();
  const gateway = createGateway({ config, logger });
  let listening: Awaited<ReturnType<Gateway['listen']>>;
  try {
    listening = await gateway.listen();
  } catch (error) {
    await gateway.close();
    throw error;
  }
  logger.info(`Gatehouse is listening on ${listening.url}`);
  let closing = false;
  const shutdown = (signal: string) => {
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
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return gateway;
}

/** `gatehouse compose`: loads every subgraph once and composes them. */
export async function runCompose(options: {
  configFile?: string;
}): Promise<{ supergraphSdl?: string; problems: string[] }> {
  const config = await loadConfig(options.configFile);
  if (config.subgraphs.length === 0)
    return { problems: ['the config lists no subgraphs to compose (it points at a supergraph file)'] };
  const client = createUpstreamClient(config.upstream);
  const context = createLoadContext(client);
  try {
    const problems: string[] = [];
    const definitions: SubgraphDefinition[] = [];
    await Promise.all(
      config.subgraphs.map(async (s) => {
        try {
          definitions.push(await subgraphLoader(s)(context));
        } catch (error) {
          problems.push(
            `[SUBGRAPH_LOAD_FAILED] (${s.name}) ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }),
    );
    if (problems.length > 0) return { problems };
    const order = new Map(config.subgraphs.map((s, i) => [s.name, i]));
    definitions.sort((a, b) => order.get(a.name)! - order.get(b.name)!);
    const result = composeSubgraphs(definitions);
    return result.problems
      ? { problems: formatCompositionProblems(result.problems) }
      : { supergraphSdl: result.supergraphSdl, problems: [] };
  } finally {
    await client.close();
  }
}
