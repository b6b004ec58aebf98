/**
 * What the package's layout promises: the CLI's static imports are Node's own, so that
 * `gatehouse --help` answers before the gateway is loaded. (Which folders may import which is
 * imports.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
describe('package boundaries', () => {
  it('gateway/cli.ts imports only node: modules at load time (type imports aside)', () => {
    const text = readFileSync(join(REPO, 'gateway/cli.ts'), 'utf8');
    const staticImports = [...text.matchAll(/^import\s(?!type\s)[^;]*?from\s+['"]([^'"]+)['"]/gm)].map(
      (m) => m[1]!,
    );
    assert.ok(staticImports.length > 0);
    for (const specifier of staticImports) assert.match(specifier, /^node:/);
  });
});
