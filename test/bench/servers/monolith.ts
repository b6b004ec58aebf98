/**
 * The graphql-js monolith target: `node --import tsx test/bench/servers/monolith.ts <port>` serves
 * the whole benchmark graph from memory at `http://127.0.0.1:<port>/graphql`, no federation.
 */
import { serveGraphQL } from '../../../subgraphs/lib/serve-graphql.ts';
import { monolithSchema } from './monolith-schema.ts';

const server = await serveGraphQL({ schema: monolithSchema(), port: Number(process.argv[2] ?? 0) });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
