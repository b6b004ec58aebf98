/**
 * The logger options of a resolved config: `logging` (format, level, redaction) and the headers
 * auth reads credentials from (always redacted); whether the access log is on.
 */

import type { RequestDone } from '../../core/request-record.ts';
import type { GatehouseConfig } from '../config/index.ts';
import { createAccessLog } from './access-log.ts';
import { type Logger, type LoggerOptions, logFormat } from './index.ts';

type LoggingInput = Pick<GatehouseConfig, 'logging' | 'auth'>;

/** What `createLogger` takes for `config` (GATEHOUSE_LOG_LEVEL and GATEHOUSE_LOG_FORMAT still win). */
export function loggerOptions(config: LoggingInput, env: NodeJS.ProcessEnv = process.env): LoggerOptions {
  const credentialHeaders = [config.auth.token.header, config.auth.apiKeys?.header].filter(
    (h): h is string => typeof h === 'string',
  );
  return {
    defaultLevel: config.logging.level,
    format: config.logging.format,
    redact: [...config.logging.redact, ...credentialHeaders],
    env,
  };
}

/** Whether the access log is on: `logging.accessLog`, else on with the JSON format. */
export function accessLogOn(config: LoggingInput, env: NodeJS.ProcessEnv = process.env): boolean {
  return config.logging.accessLog ?? logFormat({ format: config.logging.format, env }) === 'json';
}

/**
 * The access log of `config` (a line per request once answered), or
 * undefined when it is off or info is not logged (then nothing is recorded for it).
 */
export function accessLogFor(
  config: LoggingInput & Pick<GatehouseConfig, 'server' | 'metrics'>,
  logger: Logger,
  env: NodeJS.ProcessEnv | undefined,
  graphiqlAssets: string | undefined,
): RequestDone | undefined {
  if (!accessLogOn(config, env) || logger.isLevelEnabled?.('info') === false) return undefined;
  // Health, readiness, metrics and GraphiQL's files at debug: probes and page loads, not traffic.
  return createAccessLog(logger, [
    config.server.healthPath,
    config.server.readyPath,
    config.metrics.path,
    ...(graphiqlAssets ? [`${graphiqlAssets}/`] : []),
  ]);
}
