/**
 * The config `gatehouse start` runs with: the file, then the environment, then command-line flags
 * (a flag wins over the variable it stands for). With both `--config` and `--supergraph`, the
 * supergraph file is served and the config's subgraphs say how to run those it names (REST and
 * plain GraphQL in process, federation URLs, timeouts and headers).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GatehouseError } from '../../core/errors.ts';
import { loadConfig, resolveConfig } from './index.ts';
import type { GatehouseConfig } from './schema.ts';

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

/** `server.host` and `server.port` from the flags that are set. */
export function serverOverrides(options: { host?: string; port?: number }): {
  host?: string;
  port?: number;
} {
  return {
    ...(options.host !== undefined && { host: options.host }),
    ...(options.port !== undefined && { port: options.port }),
  };
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
  const loaded = await loadConfig(options.configFile, env);
  const config =
    options.host === undefined && options.port === undefined
      ? loaded
      : resolveConfig(
          { ...structuredClone(loaded), server: { ...loaded.server, ...serverOverrides(options) } },
          { env },
        );
  if (options.supergraphFile === undefined) return config;
  // The config file's check allows `supergraph` or `subgraphs`; the flag adds the file to both.
  return Object.freeze({ ...config, supergraph: resolve(options.supergraphFile) });
}
