/**
 * Environment overrides, applied before the config is checked so that a bad value is reported
 * like any other problem:
 *
 * - `GATEHOUSE_HOST`, `GATEHOUSE_PORT`: `server.host`, `server.port`
 * - `GATEHOUSE_SUPERGRAPH`: `supergraph`
 * - `GATEHOUSE_SUBGRAPH_<NAME>_URL`: the `url` of subgraph `<NAME>` (upper-cased, `-` as `_`)
 */

/** The environment variable that overrides the URL of subgraph `name`. */
export function subgraphUrlEnvName(name: string): string {
  return `GATEHOUSE_SUBGRAPH_${name.toUpperCase().replace(/-/g, '_')}_URL`;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns a copy of `input` with the environment overrides applied; `input` is not changed. */
export function applyEnvOverrides(input: unknown, env: NodeJS.ProcessEnv): unknown {
  if (!isPlain(input)) return input;
  const config: Plain = { ...input };
  const server: Plain = isPlain(config.server) ? { ...config.server } : {};
  if (env.GATEHOUSE_HOST) server.host = env.GATEHOUSE_HOST;
  if (env.GATEHOUSE_PORT)
    server.port = /^\d+$/.test(env.GATEHOUSE_PORT) ? Number(env.GATEHOUSE_PORT) : env.GATEHOUSE_PORT;
  if (Object.keys(server).length > 0) config.server = server;
  if (env.GATEHOUSE_SUPERGRAPH) config.supergraph = env.GATEHOUSE_SUPERGRAPH;
  if (Array.isArray(config.subgraphs)) {
    config.subgraphs = config.subgraphs.map((subgraph: unknown) => {
      if (!isPlain(subgraph) || typeof subgraph.name !== 'string') return subgraph;
      const url = env[subgraphUrlEnvName(subgraph.name)];
      return url ? { ...subgraph, url } : subgraph;
    });
  }
  return config;
}
