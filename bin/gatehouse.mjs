#!/usr/bin/env node
// The `gatehouse` command. Sources are TypeScript, run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../gateway/cli.ts');
