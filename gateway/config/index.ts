/**
 * Loading the configuration: read the file (YAML, JSON, or a TypeScript/JavaScript module whose
 * default export is the config), apply environment overrides, check it once against the schema,
 * resolve relative paths against the file's folder, and freeze it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { GatehouseError } from '../errors/index.ts';
import { applyEnvOverrides } from './env.ts';
import { configSchema, type GatehouseConfig, type GatehouseConfigInput } from './schema.ts';

export type { GatehouseConfig, GatehouseConfigInput } from './schema.ts';
export * from './schema.ts';

/** Files looked for, in order, when no path is given. */
export const DEFAULT_CONFIG_FILES = [
  'gatehouse.config.ts',
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
  if (['.ts', '.mts', '.js', '.mjs'].includes(ext)) {
    const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    if (mod.default === undefined) {
      throw new GatehouseError('CONFIG_INVALID', `${path} has no default export`, [
        'export the config: `export default defineConfig({ ... })`',
      ]);
    }
    return mod.default;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new GatehouseError('CONFIG_INVALID', `cannot read config file ${path}`, [String(cause)], { cause });
  }
  try {
    return ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new GatehouseError('CONFIG_INVALID', `${path} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}`, [
      cause instanceof Error ? cause.message : String(cause),
    ]);
  }
}

/** Formats zod issues as "path: problem" lines. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path =
      issue.path.length === 0
        ? '(root)'
        : issue.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .replace(/^\./, '');
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`;
    }
    if (issue.code === 'invalid_union' && path.endsWith(']')) {
      return `${path}: ${issue.message}; \`kind\` must be one of "federation", "graphql", "rest"`;
    }
    return `${path}: ${issue.message}`;
  });
}

/**
 * Checks a config object and returns it resolved and frozen. Relative file paths are resolved
 * against `baseDir`. Throws a `GatehouseError` (code `CONFIG_INVALID`) listing every problem.
 */
export function resolveConfig(
  input: unknown,
  options: { baseDir?: string; env?: NodeJS.ProcessEnv; source?: string } = {},
): GatehouseConfig {
  const baseDir = options.baseDir ?? process.cwd();
  const withEnv = applyEnvOverrides(input, options.env ?? process.env);
  const result = configSchema.safeParse(withEnv);
  if (!result.success) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      `invalid configuration${options.source ? ` in ${options.source}` : ''}`,
      formatIssues(result.error.issues),
    );
  }
  const config = result.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  if (config.supergraph !== undefined) config.supergraph = abs(config.supergraph);
  for (const subgraph of config.subgraphs) {
    if (subgraph.schemaFile !== undefined) subgraph.schemaFile = abs(subgraph.schemaFile);
    if (subgraph.kind === 'rest' && subgraph.openapi !== undefined) subgraph.openapi = abs(subgraph.openapi);
  }
  return deepFreeze(config);
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
