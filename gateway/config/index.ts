/**
 * Loading the configuration: read the file (YAML, JSON, or a TypeScript/JavaScript module whose
 * default export is the config: load-module.ts), apply environment overrides, check it once against the schema,
 * resolve relative paths against the file's folder, and freeze it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { GatehouseError } from '../../core/errors.ts';
import { applyEnvOverrides } from './env.ts';
import { importConfigModule, MODULE_EXTENSIONS } from './load-module.ts';
import { type ConfigProblem, formatProblem, toProblems } from './problems.ts';
import { configSchema, type GatehouseConfig, type GatehouseConfigInput } from './schema.ts';

export { subgraphUrlEnvName } from './env.ts';
export { type ConfigProblem, formatProblem } from './problems.ts';
export type { GatehouseConfig, GatehouseConfigInput } from './schema.ts';
export * from './schema.ts';

/** Files looked for, in order, when no path is given. */
export const DEFAULT_CONFIG_FILES = [
  'gatehouse.config.ts',
  'gatehouse.config.mts',
  'gatehouse.config.cts',
  'gatehouse.config.mjs',
  'gatehouse.config.js',
  'gatehouse.config.yaml',
  'gatehouse.config.yml',
  'gatehouse.config.json',
] as const;

/** Typed helper for `gatehouse.config.ts`: returns its argument, checked by the compiler. */
export function defineConfig(config: GatehouseConfigInput): GatehouseConfigInput {
  return config;
}

/** Finds the config file in `cwd`, or undefined when there is none. */
export function findConfigFile(cwd: string = process.cwd()): string | undefined {
  for (const file of DEFAULT_CONFIG_FILES) {
    const path = resolve(cwd, file);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Reads and parses a config file without checking it. */
export async function readConfigFile(path: string): Promise<unknown> {
  const ext = extname(path);
  if (Object.hasOwn(MODULE_EXTENSIONS, ext)) {
    const config = await importConfigModule(path);
    if (config === undefined) {
      throw new GatehouseError('CONFIG_INVALID', `${path} has no default export`, [
        'export the config: `export default defineConfig({ ... })`',
      ]);
    }
    return config;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new GatehouseError('CONFIG_INVALID', `cannot read config file ${path}`, [String(cause)], { cause });
  }
  try {
    // An empty YAML file is an empty config: the check then says what it lacks.
    return ext === '.json' ? JSON.parse(text) : (parseYaml(text) ?? {});
  } catch (cause) {
    throw new GatehouseError('CONFIG_INVALID', `${path} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}`, [
      cause instanceof Error ? cause.message : String(cause),
    ]);
  }
}

export interface ResolveOptions {
  /** Folder that relative paths in the config are resolved against (the config file's). @default process.cwd() */
  baseDir?: string;
  /** Environment for the `GATEHOUSE_*` overrides. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Folder that relative paths given in environment variables are resolved against. @default process.cwd() */
  cwd?: string;
  /** Where the config came from, named in the error. */
  source?: string;
}

/** The outcome of checking a config: the resolved config, or every problem found. */
export type ConfigCheck = { config: GatehouseConfig; problems?: undefined } | { problems: ConfigProblem[] };

/**
 * Checks a config object (after environment overrides) and resolves relative file paths. Never
 * throws for a bad config: returns every problem, each with its path.
 */
export function checkConfig(input: unknown, options: ResolveOptions = {}): ConfigCheck {
  const baseDir = options.baseDir ?? process.cwd();
  const cwd = options.cwd ?? process.cwd();
  const { input: withEnv, sources } = applyEnvOverrides(input, options.env ?? process.env);
  const result = configSchema.safeParse(withEnv);
  if (!result.success) return { problems: toProblems(result.error.issues, configSchema, withEnv, sources) };
  const config = result.data;
  const abs = (p: string, from = baseDir) => (isAbsolute(p) ? p : resolve(from, p));
  if (config.supergraph !== undefined) {
    config.supergraph = abs(config.supergraph, sources.has('supergraph') ? cwd : baseDir);
  }
  for (const subgraph of config.subgraphs) {
    if (subgraph.schemaFile !== undefined) subgraph.schemaFile = abs(subgraph.schemaFile);
    if (subgraph.kind === 'rest' && subgraph.openapi !== undefined) subgraph.openapi = abs(subgraph.openapi);
  }
  config.registry.directory = abs(config.registry.directory);
  const { trustedDocuments } = config;
  if (trustedDocuments.manifest !== undefined) trustedDocuments.manifest = abs(trustedDocuments.manifest);
  const jwks = config.auth.jwt?.jwks;
  if (jwks?.file !== undefined) jwks.file = abs(jwks.file);
  return { config };
}

/**
 * Checks a config object and returns it resolved and frozen. Relative file paths are resolved
 * against `baseDir`. Throws a `GatehouseError` (code `CONFIG_INVALID`) listing every problem.
 */
export function resolveConfig(input: unknown, options: ResolveOptions = {}): GatehouseConfig {
  const checked = checkConfig(input, options);
  if (checked.problems) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      `invalid configuration${options.source ? ` in ${options.source}` : ''}`,
      checked.problems.map(formatProblem),
    );
  }
  return deepFreeze(checked.config);
}

/** Loads, checks and freezes the config file at `path` (or the one found in the working directory). */
export async function loadConfig(
  path?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GatehouseConfig> {
  const file = path === undefined ? findConfigFile() : resolve(path);
  if (file === undefined) {
    throw new GatehouseError('CONFIG_INVALID', 'no configuration file found', [
      `create one of ${DEFAULT_CONFIG_FILES.join(', ')} in ${process.cwd()}, or pass --config <file> or --supergraph <file>`,
    ]);
  }
  if (!existsSync(file)) {
    throw new GatehouseError('CONFIG_INVALID', `configuration file ${file} does not exist`, [
      'check the --config path',
    ]);
  }
  return resolveConfig(await readConfigFile(file), { baseDir: dirname(file), env, source: file });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
