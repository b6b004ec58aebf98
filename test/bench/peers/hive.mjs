// Hive Gateway's runtime on node:http: `node hive.mjs <port> <supergraph file> [router-runtime]`.
// With `router-runtime`, query planning and execution use @graphql-hive/router-runtime (the Rust
// planner), as `hive-gateway supergraph --hive-router-runtime` does. Serves until SIGTERM.
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';

const [port, supergraphFile, mode] = process.argv.slice(2);
const unifiedGraphHandler =
  mode === 'router-runtime' ? (await import('@graphql-hive/router-runtime')).unifiedGraphHandler : undefined;
const gateway = createGatewayRuntime({
  supergraph: supergraphFile,
  logging: 'error',
  ...(unifiedGraphHandler ? { unifiedGraphHandler } : {}),
});
const server = createServer(gateway);
server.keepAliveTimeout = 65_000;
await new Promise((resolve) => server.listen(Number(port), '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/graphql` })}\n`);
const stop = () => {
  server.close(() => void Promise.resolve(gateway.dispose?.()).then(() => process.exit(0)));
  server.closeIdleConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
