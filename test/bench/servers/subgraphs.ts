/**
 * The benchmark subgraphs as a child process of the harness:
 * `node --import tsx test/bench/servers/subgraphs.ts` prints one JSON line with the four URLs
 * (`{"accounts":"http://127.0.0.1:.../graphql", ...}`) and serves until SIGTERM.
 */
import { startBenchSubgraphs } from '../../../subgraphs/bench/index.ts';
import { benchSubgraphNames } from '../../../subgraphs/bench/schemas.ts';

const subgraphs = await startBenchSubgraphs({ host: '127.0.0.1' });
process.stdout.write(
  `${JSON.stringify(Object.fromEntries(benchSubgraphNames.map((n) => [n, subgraphs[n].url])))}\n`,
);
const stop = () => void subgraphs.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
