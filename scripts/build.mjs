#!/usr/bin/env node
/**
 * `npm run build`: compiles the product code (gateway/, schema/, the demo backends) to dist/ as
 * ES modules with declarations, then copies the files the runtime reads that are not TypeScript:
 *
 * - the demo's OpenAPI document, read by `gatehouse demo`;
 * - GraphiQL's built files (dist/graphiql/), so that @graphql-yoga/graphiql, with React and Monaco
 *   behind it, is needed at build time only. The page loads the UMD bundle, the stylesheet and the
 *   editor workers; the ES module bundle (7 MB) is left out.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

rmSync(dist, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);

cpSync(
  join(root, 'subgraphs/demo/catalogue/openapi.yaml'),
  join(dist, 'subgraphs/demo/catalogue/openapi.yaml'),
);

const graphiqlPackage = require.resolve('@graphql-yoga/graphiql/package.json');
const { version } = JSON.parse(readFileSync(graphiqlPackage, 'utf8'));
const graphiqlDist = join(dirname(graphiqlPackage), 'dist');
const graphiqlOut = join(dist, 'graphiql');
mkdirSync(graphiqlOut, { recursive: true });
cpSync(graphiqlDist, join(graphiqlOut, 'files'), {
  recursive: true,
  filter: (source) => !source.endsWith('.es.js'),
});
writeFileSync(join(graphiqlOut, 'version.json'), `${JSON.stringify({ version })}\n`);
