#!/usr/bin/env node
// The `gatehouse` command run from the TypeScript sources through tsx (a dev dependency): what
// `npm start` and the tests use, so that they never run a stale dist/.
import { register } from 'tsx/esm/api';
import { run } from './run.mjs';

register();
await run(new URL('../', import.meta.url), '.ts');
