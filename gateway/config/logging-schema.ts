/**
 * The `logging` section (gateway/logger/): the format of log lines, the level, the access log and
 * what is redacted. docs/observability.md says what each line holds.
 */
import { z } from 'zod';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

export const loggingSchema = z
  .strictObject({
    format: z
      .enum(['pretty', 'json'])
      .default('pretty')
      .describe(
        '`json`: one JSON object per line (pino), for log collectors; `pretty`: a line of text per entry (time, level, message, details as JSON). GATEHOUSE_LOG_FORMAT overrides it',
      ),
    level: z
      .enum(LOG_LEVELS)
      .optional()
      .describe(
        'Lowest level written (default `info`); GATEHOUSE_LOG_LEVEL, when set to a level, overrides it',
      ),
    accessLog: z
      .boolean()
      .optional()
      .describe(
        'One `info` line per request (request id, operation, status, duration, subgraph calls); default: on with `format: json`, off with `pretty`. Health, readiness, metrics and GraphiQL assets are logged at `debug`',
      ),
    redact: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'More keys whose values are never logged, besides the built-in ones (credentials, cookies, tokens, secrets, passwords, API keys): a name (any depth, case and `-`/`_` ignored) or a dotted path from the details (`user.email`)',
      ),
  })
  .describe('Logs: format, level, access log, redaction (docs/observability.md)');

/** The `logging` section once checked and resolved. */
export type LoggingConfig = z.output<typeof loggingSchema>;
