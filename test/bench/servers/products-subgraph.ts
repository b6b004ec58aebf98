/**
 * The `subgraph-direct` target: the products subgraph alone, in its own process, so the small
 * query can be measured straight against it on the target core (the cost of one gateway hop is
 * the difference). `node --import tsx test/bench/servers/products-subgraph.ts <port>`.
 */

import { benchSubgraphSchema } from '../../../subgraphs/bench/schemas.ts';
import { serveGraphQL } from '../../../subgraphs/lib/serve-graphql.ts';

const server = await serveGraphQL({
  schema: benchSubgraphSchema('products'),
  port: Number(process.argv[2] ?? 0),
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
