/**
 * Importing a config written as a module, with no TypeScript runtime (tsx, esbuild) installed:
 *
 * - JavaScript (`.js`, `.mjs`, `.cjs`) is imported as is.
 * - TypeScript is imported as is where Node strips types itself (`process.features.typescript`:
 *   Node 22.18+, 23.6+, 24) and Node would read the file the way we mean it: `.mts`, `.cts`, and a
 *   `.ts` whose package.json says `"type": "module"`.
 * - Otherwise (Node 20, older 22, or a `.ts` in a project that is CommonJS, as `npm init` makes
 *   them, where Node would reject its `import`s), its types are stripped with amaro (the stripper
 *   Node itself bundles; erasable syntax only, positions kept) into a temporary file beside the
 *   config, `.gatehouse.config.<random UUID>.mjs` (`.cjs` for `.cts`), so that its relative imports
 *   and `gatehouse-graphql` resolve from the user's project. The file is imported, then deleted
 *   (and deleted at exit if the import never returns). Where the folder is not writable, a Node
 *   that strips types is left to import the file as is.
 *
 * So a `.ts` config is an ES module whatever package.json says; `.cts` is CommonJS.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GatehouseError } from '../../core/errors.ts';

/** Extensions imported as modules, and what a TypeScript one is stripped to. */
export const MODULE_EXTENSIONS: Record<string, '.mjs' | '.cjs' | null> = {
  '.ts': '.mjs',
  '.mts': '.mjs',
  '.cts': '.cjs',
  '.js': null,
  '.mjs': null,
  '.cjs': null,
};

/** Stripped copies not yet deleted: removed at exit too, should an import never settle. */
const temporaryFiles = new Set<string>();
let cleanupAtExit = false;

function track(file: string): void {
  temporaryFiles.add(file);
  if (cleanupAtExit) return;
  cleanupAtExit = true;
  process.once('exit', () => {
    for (const left of temporaryFiles) rmSync(left, { force: true });
  });
}

function untrack(file: string): void {
  temporaryFiles.delete(file);
  rmSync(file, { force: true });
}

/** Node runs TypeScript natively (type stripping on by default). */
function nodeStripsTypes(): boolean {
  return Boolean((process.features as { typescript?: string | false }).typescript);
}

/** The `type` of the package.json nearest to `dir` (undefined when none says). */
function packageType(dir: string): string | undefined {
  for (let current = dir; ; ) {
    const file = join(current, 'package.json');
    if (existsSync(file)) {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as { type?: string }).type;
      } catch {
        return undefined;
      }
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Node would import the TypeScript file at `path` natively, as we mean it. */
function importsNatively(path: string, ext: string): boolean {
  if (!nodeStripsTypes()) return false;
  return ext !== '.ts' || packageType(dirname(path)) === 'module';
}

/** Imports the config module at `path` and returns its default export (undefined when none). */
export async function importConfigModule(path: string): Promise<unknown> {
  const ext = extname(path);
  const strippedExt = MODULE_EXTENSIONS[ext];
  if (!strippedExt || importsNatively(path, ext)) return importDefault(path, path);
  const code = await stripTypes(path);
  // A random name: two processes (or two loads in one) never share a file, even across PID reuse.
  const temporary = join(dirname(path), `.gatehouse.config.${randomUUID()}${strippedExt}`);
  try {
    writeFileSync(temporary, code, { flag: 'wx' });
    track(temporary);
  } catch (cause) {
    // A read-only folder (a container's config mount): a Node that strips types can still try
    // the file as is; it fails only where the package type makes `import` invalid, and says so.
    if (nodeStripsTypes() && isUnwritable(cause)) return importDefault(path, path);
    throw new GatehouseError(
      'CONFIG_INVALID',
      `cannot load config module ${path}: its types are stripped into a file beside it, and that failed`,
      [
        cause instanceof Error ? cause.message : String(cause),
        'make the folder writable, run on Node 22.18 or later, or write the config as YAML, JSON or .mjs',
      ],
      { cause },
    );
  }
  try {
    return await importDefault(temporary, path);
  } finally {
    untrack(temporary);
  }
}

function isUnwritable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EROFS' || code === 'EACCES' || code === 'EPERM';
}

async function stripTypes(path: string): Promise<string> {
  const source = readFileSync(path, 'utf8');
  let amaro: typeof import('amaro');
  try {
    amaro = await import('amaro');
  } catch (cause) {
    throw new GatehouseError('CONFIG_INVALID', `cannot load config module ${path}`, [
      `the TypeScript type stripper (the amaro package) is not installed: ${String(cause)}`,
      'reinstall gatehouse-graphql with its dependencies, run on Node 22.18 or later, or write the config as YAML, JSON or .mjs',
    ]);
  }
  try {
    return amaro.transformSync(source, { mode: 'strip-only' }).code;
  } catch (cause) {
    throw new GatehouseError('CONFIG_INVALID', `cannot load config module ${path}`, stripProblems(cause), {
      cause,
    });
  }
}

/** What amaro throws: a plain object (not an Error) with a code, a message and where. */
interface StripError {
  code?: string;
  message?: string;
  snippet?: string;
  startLine?: number;
  startColumn?: number;
}

/** The problems of a failed strip: the message at its line and column, the snippet, and a hint for syntax that cannot be stripped. */
function stripProblems(cause: unknown): string[] {
  if (cause instanceof Error || typeof cause !== 'object' || cause === null) return [messageOf(cause)];
  const error = cause as StripError;
  const at =
    error.startLine !== undefined && error.startColumn !== undefined
      ? ` (line ${error.startLine}, column ${error.startColumn + 1})`
      : '';
  const problems = [`${error.message ?? error.code ?? 'cannot strip the types'}${at}`];
  if (error.snippet) problems.push(error.snippet.trimEnd());
  if (error.code === 'UnsupportedSyntax')
    problems.push(
      'only erasable TypeScript syntax is supported (no enum, namespace or parameter properties)',
    );
  return problems;
}

/** Imports `file` (the config or its stripped copy); errors name `path`, the config. */
async function importDefault(file: string, path: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (cause) {
    const message = messageOf(cause).replaceAll(url, pathToFileURL(path).href).replaceAll(file, path);
    throw new GatehouseError('CONFIG_INVALID', `cannot load config module ${path}`, [message], { cause });
  }
  return mod.default;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
