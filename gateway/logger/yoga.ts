/**
 * Yoga's logger, written to ours. Yoga logs every error its mask rewrites; an upstream failure
 * that reaches the client as a coded error is expected (one per affected field, thousands a
 * second when a subgraph is down), so it goes to debug, and only the unexpected go to error.
 */
import type { YogaLogger } from 'graphql-yoga';
import { isExpectedError } from '../errors/expected.ts';
import type { Logger } from './index.ts';

const text = (args: unknown[]) =>
  args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' ');

export function yogaLogging(logger: Logger): YogaLogger {
  return {
    debug: (...args: unknown[]) => logger.debug(text(args)),
    info: (...args: unknown[]) => logger.info(text(args)),
    warn: (...args: unknown[]) => logger.warn(text(args)),
    error: (...args: unknown[]) =>
      args.length === 1 && isExpectedError(args[0]) ? logger.debug(text(args)) : logger.error(text(args)),
  };
}
