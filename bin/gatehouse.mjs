#!/usr/bin/env node
// The `gatehouse` command: runs the compiled JavaScript in dist/ (`npm run build`; the published
// package ships it). In a clone, bin/gatehouse-dev.mjs runs the sources instead.
import { run } from './run.mjs';

await run(new URL('../dist/', import.meta.url), '.js');
