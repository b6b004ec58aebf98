// Apollo Gateway 2 on Apollo Server 4, as its docs set it up: `node apollo.mjs <port> <supergraph file>`.
// Serves http://127.0.0.1:<port>/graphql until SIGTERM.
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const [port, supergraphFile] = process.argv.slice(2);
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphFile, 'utf8') });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: Number(port) } });
process.stdout.write(`${JSON.stringify({ url: new URL('/graphql', url).href })}\n`);
const stop = () => void server.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
