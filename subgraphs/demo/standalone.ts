/**
 * Running one demo backend on its own (`npx tsx subgraphs/demo/<name>/server.ts [port]`), for
 * someone who wants to point a real deployment at it: listens on 127.0.0.1, prints its URL, and
 * closes on SIGINT/SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '../lib/serve-graphql.ts';

/**
 * Starts the server when `moduleUrl` is the script node was asked to run; does nothing when the
 * module is imported.
 */
export async function runStandalone(
  moduleUrl: string,
  name: string,
  defaultPort: number,
  start: (port: number) => Promise<RunningServer>,
): Promise<void> {
  if (process.argv[1] === undefined || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  const arg = process.argv[2];
  if (arg !== undefined && !/^\d+$/.test(arg)) {
    process.stderr.write(`usage: npx tsx ${process.argv[1]} [port]\n`);
    process.exit(2);
  }
  const server = await start(arg === undefined ? defaultPort : Number(arg));
  process.stdout.write(`${name}: ${server.url}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
