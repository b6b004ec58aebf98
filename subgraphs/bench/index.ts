/**
 * Starts the four benchmark subgraphs on loopback. Run on its own:
 * `npx tsx subgraphs/bench/index.ts [basePort]` serves them at `http://127.0.0.1:<port>/graphql`,
 * ports basePort..basePort+3 (default 4201..4204), in the order accounts, inventory, products, reviews.
 */
import { fileURLToPath } from 'node:url';
import { type RunningServer, serveGraphQL } from '../lib/serve-graphql.ts';
import { type BenchSubgraphName, benchSubgraphNames, benchSubgraphSchema } from './schemas.ts';

export type BenchSubgraphs = Record<BenchSubgraphName, RunningServer> & { close(): Promise<void> };

export async function startBenchSubgraphs(
  options: { host?: string; basePort?: number } = {},
): Promise<BenchSubgraphs> {
  const servers = await Promise.all(
    benchSubgraphNames.map((name, i) =>
      serveGraphQL({
        schema: benchSubgraphSchema(name),
        host: options.host,
        port: options.basePort ? options.basePort + i : 0,
      }),
    ),
  );
  const byName = Object.fromEntries(benchSubgraphNames.map((name, i) => [name, servers[i]])) as Record<
    BenchSubgraphName,
    RunningServer
  >;
  return { ...byName, close: async () => void (await Promise.all(servers.map((s) => s.close()))) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const subgraphs = await startBenchSubgraphs({ basePort: Number(process.argv[2] ?? 4201) });
  for (const name of benchSubgraphNames) console.log(`${name}: ${subgraphs[name].url}`);
}
