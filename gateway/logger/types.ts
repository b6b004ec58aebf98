/** The logger every room writes to (created in index.ts), and its levels. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
  /** Whether entries of `level` are written (a logger without it writes every level). */
  isLevelEnabled?(level: LogLevel): boolean;
}
