#!/usr/bin/env node
// The `gatehouse` command: runs the compiled JavaScript in dist/ (`npm run build`; the published
// package ships it). In a clone, bin/gatehouse-dev.mjs runs the sources instead.
import { existsSync } from 'node:fs';
import { run } from './run.mjs';

const dist = new URL('../dist/', import.meta.url);
if (!existsSync(new URL('gateway/cli.js', dist))) {
  process.stderr.write(
    'gatehouse: dist/ is missing: run `npm run build`, or run the sources with `node bin/gatehouse-dev.mjs`\n',
  );
  process.exit(1);
}
await run(dist, '.js');
