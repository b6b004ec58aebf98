/**
 * The import rules of docs/architecture.md, checked on the source: `gateway/` may import
 * `schema/` and `core/`, `schema/` may import `core/`, `core/` imports neither; no product file
 * imports the example backends or the tests; no import cycle between product files.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PRODUCT = ['core', 'schema', 'gateway'];

// Static imports and re-exports (`import x from`, `import type`, `export * from`), side-effect
// imports and dynamic `import('...')` with a literal specifier.
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

/** Imports allowed despite rule (b), each with its reason: none (`gatehouse demo` is wired in by bin/run.mjs). */
const ALLOWED = new Set<string>();

function productFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(join(ROOT, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  for (const dir of PRODUCT) walk(dir);
  return files;
}

/** Relative imports of `file`, as paths from the repository root. */
export function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier?.startsWith('.')) found.push(relative(ROOT, resolve(ROOT, dirname(file), specifier)));
  }
  return found;
}

const top = (path: string) => path.split('/')[0];

function graph(): Map<string, string[]> {
  return new Map(productFiles().map((file) => [file, importsOf(file)]));
}

test('schema/ never imports gateway/; core/ imports neither', () => {
  const wrong: string[] = [];
  for (const [file, imports] of graph()) {
    for (const target of imports) {
      const from = top(file);
      const to = top(target);
      if ((from === 'schema' && to === 'gateway') || (from === 'core' && to !== 'core')) {
        wrong.push(`${file} -> ${target}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test('no product file imports subgraphs/ or test/', () => {
  const wrong: string[] = [];
  for (const [file, imports] of graph()) {
    for (const target of imports) {
      const edge = `${file} -> ${target}`;
      if ((top(target) === 'subgraphs' || top(target) === 'test') && !ALLOWED.has(edge)) wrong.push(edge);
    }
  }
  assert.deepEqual(wrong, []);
});

test('no import cycle between product files', () => {
  const edges = graph();
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const target of edges.get(file) ?? []) {
      if (!edges.has(target)) continue;
      if (state.get(target) === 'open')
        cycles.push([...stack.slice(stack.indexOf(target)), target].join(' -> '));
      else if (state.get(target) === undefined) visit(target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of edges.keys()) if (!state.has(file)) visit(file);
  assert.deepEqual(cycles, []);
});

test('the parser sees every kind of import', () => {
  const files = productFiles();
  assert.ok(files.includes('gateway/supergraph/config-source.ts'));
  assert.ok(importsOf('gateway/supergraph/config-source.ts').some((target) => target.startsWith('schema/')));
});
