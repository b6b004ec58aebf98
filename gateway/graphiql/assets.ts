/**
 * GraphiQL's built files, served by the gateway itself so that GraphiQL works without reaching a
 * CDN (air-gapped networks, strict egress rules). The installed package carries a copy made by
 * `npm run build` (dist/graphiql/, so that @graphql-yoga/graphiql and the React and Monaco behind
 * it are build-time dependencies); run from the sources, the files are the package's own `dist`
 * folder. Only the files found in that folder when the gateway starts can be served: a request
 * names an entry of that list, never a path on disk, so no path traversal is possible.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** One servable file, read (and gzipped) once, on first use. */
export interface Asset {
  contentType: string;
  /** Changes whenever the package version changes. */
  etag: string;
  body(): Promise<Uint8Array<ArrayBuffer>>;
  gzipped(): Promise<Uint8Array<ArrayBuffer>>;
}

export interface GraphiQLAssets {
  /** The package version the files come from. */
  version: string;
  /** The asset named by a path relative to `dist` (`/` separated), or undefined. */
  get(name: string): Asset | undefined;
  names(): string[];
}

/** The copy made by the build: dist/graphiql/ beside dist/gateway/graphiql/assets.js. */
const BUILT_COPY = fileURLToPath(new URL('../../graphiql/', import.meta.url));

/** The folder the files are in and the package version they come from. */
function locateFiles(): { dist: string; version: string } {
  const versionFile = join(BUILT_COPY, 'version.json');
  if (existsSync(versionFile)) {
    const { version } = JSON.parse(readFileSync(versionFile, 'utf8')) as { version: string };
    return { dist: join(BUILT_COPY, 'files'), version };
  }
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@graphql-yoga/graphiql/package.json');
  const { version } = require(packageJson) as { version: string };
  return { dist: join(dirname(packageJson), 'dist'), version };
}

/** Lists the files; each file is read on first request and kept in memory. */
export function loadGraphiQLAssets(): GraphiQLAssets {
  const { dist, version } = locateFiles();
  const assets = new Map<string, Asset>();
  for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const name = file
      .slice(dist.length + 1)
      .split(sep)
      .join('/');
    assets.set(name, fileAsset(file, version));
  }
  return { version, get: (name) => assets.get(name), names: () => [...assets.keys()] };
}

const gzipAsync = promisify(gzip);

function fileAsset(file: string, version: string): Asset {
  let body: Promise<Uint8Array<ArrayBuffer>> | undefined;
  let gzipped: Promise<Uint8Array<ArrayBuffer>> | undefined;
  // Copied into a plain Uint8Array, the body type the Fetch API's Response takes.
  const read = () => (body ??= readFile(file).then((b) => new Uint8Array(b)));
  return {
    contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    etag: `"graphiql-${version}"`,
    body: read,
    // The bundle is about 5 MB and compresses to a third: worth it on a slow link.
    // Compressed off the event loop (gzipSync took ~120 ms on it), once per file per process.
    gzipped: () => (gzipped ??= read().then(async (b) => new Uint8Array(await gzipAsync(b)))),
  };
}
