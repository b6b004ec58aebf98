/**
 * Environment overrides, applied before the config is checked so that a bad value is reported
 * like any other problem (naming the variable it came from):
 *
 * - `GATEHOUSE_HOST`, `GATEHOUSE_PORT`: `server.host`, `server.port`
 * - `GATEHOUSE_SUPERGRAPH`: `supergraph` (a relative path is taken from the working directory)
 * - `GATEHOUSE_ENGINE`: `engine` (`auto`, `plan`, `stitching`)
 * - `GATEHOUSE_SUBGRAPH_<NAME>_URL`: the `url` of subgraph `<NAME>` (upper-cased, `-` as `_`)
 */

/** The environment variable that overrides the URL of subgraph `name`. */
export function subgraphUrlEnvName(name: string): string {
  return `GATEHOUSE_SUBGRAPH_${name.toUpperCase().replace(/-/g, '_')}_URL`;
}

/**
 * The `GATEHOUSE_SUBGRAPH_<NAME>_URL` variables set in `env` that override no subgraph of
 * `names`: a typo there would otherwise leave the URL of the file or config in use, silently.
 */
export function unusedSubgraphUrlVariables(env: NodeJS.ProcessEnv, names: readonly string[]): string[] {
  const used = new Set(names.map(subgraphUrlEnvName));
  return Object.keys(env)
    .filter((key) => /^GATEHOUSE_SUBGRAPH_.+_URL$/.test(key) && env[key] && !used.has(key))
    .sort();
}

/** The config after overrides, and which paths (`server.port`, `subgraphs[0].url`) came from which variable. */
export interface EnvOverrides {
  input: unknown;
  sources: ReadonlyMap<string, string>;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns a copy of `input` with the environment overrides applied; `input` is not changed. */
export function applyEnvOverrides(input: unknown, env: NodeJS.ProcessEnv): EnvOverrides {
  const sources = new Map<string, string>();
  if (!isPlain(input)) return { input, sources };
  const config: Plain = { ...input };
  if (env.GATEHOUSE_HOST || env.GATEHOUSE_PORT) {
    const server: Plain = isPlain(config.server) ? { ...config.server } : {};
    if (env.GATEHOUSE_HOST) {
      server.host = env.GATEHOUSE_HOST;
      sources.set('server.host', 'GATEHOUSE_HOST');
    }
    if (env.GATEHOUSE_PORT) {
      // A number when it looks like one; otherwise the string, which the check then reports.
      server.port = /^\d+$/.test(env.GATEHOUSE_PORT) ? Number(env.GATEHOUSE_PORT) : env.GATEHOUSE_PORT;
      sources.set('server.port', 'GATEHOUSE_PORT');
    }
    config.server = server;
  }
  if (env.GATEHOUSE_ENGINE) {
    config.engine = env.GATEHOUSE_ENGINE;
    sources.set('engine', 'GATEHOUSE_ENGINE');
  }
  if (env.GATEHOUSE_SUPERGRAPH) {
    config.supergraph = env.GATEHOUSE_SUPERGRAPH;
    sources.set('supergraph', 'GATEHOUSE_SUPERGRAPH');
  }
  if (Array.isArray(config.subgraphs)) {
    config.subgraphs = config.subgraphs.map((subgraph: unknown, index) => {
      if (!isPlain(subgraph) || typeof subgraph.name !== 'string') return subgraph;
      const variable = subgraphUrlEnvName(subgraph.name);
      const url = env[variable];
      if (!url) return subgraph;
      sources.set(`subgraphs[${index}].url`, variable);
      return { ...subgraph, url };
    });
  }
  return { input: config, sources };
}
