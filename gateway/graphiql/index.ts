/**
 * GraphiQL without a CDN (stage: request). Yoga renders GraphiQL on browser GETs of the GraphQL
 * endpoint; this room gives it a page (`render`, for Yoga's `renderGraphiQL` option) whose files
 * are served by the gateway under `assetsPath` (`plugin`), from the `@graphql-yoga/graphiql`
 * package, instead of unpkg.com.
 */
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { loadGraphiQLAssets } from './assets.ts';
import { graphiqlHtml } from './html.ts';

export interface GraphiQLRoomOptions {
  /** Path prefix the page's script, stylesheet and workers are served under. @default '/graphiql/assets' */
  assetsPath?: string;
}

export interface GraphiQL {
  /** Serves the assets; answers 404 for any other path under `assetsPath`. */
  plugin: Plugin;
  /** The page, for Yoga's `renderGraphiQL` option. */
  render(options: GraphiQLOptions): string;
  /** The prefix the plugin answers under (its only requests). */
  assetsPath: string;
}

export function createGraphiQL(options: GraphiQLRoomOptions = {}): GraphiQL {
  const assetsPath = (options.assetsPath ?? '/graphiql/assets').replace(/\/+$/, '');
  const prefix = `${assetsPath}/`;
  const assets = loadGraphiQLAssets();

  const plugin: Plugin = {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(prefix)) return;
      const asset = assets.get(url.pathname.slice(prefix.length));
      if (asset === undefined) {
        endResponse(new fetchAPI.Response('Not Found', { status: 404, headers: TEXT }));
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(
          new fetchAPI.Response('Method Not Allowed', {
            status: 405,
            headers: { ...TEXT, allow: 'GET, HEAD' },
          }),
        );
        return;
      }
      const headers: Record<string, string> = {
        'content-type': asset.contentType,
        etag: asset.etag,
        // Revalidate on each load (a 304 is cheap): the names carry no version.
        'cache-control': 'no-cache',
        vary: 'accept-encoding',
      };
      if (request.headers.get('if-none-match') === asset.etag) {
        endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
      if (gzip) headers['content-encoding'] = 'gzip';
      const body = gzip ? await asset.gzipped() : await asset.body();
      headers['content-length'] = String(body.byteLength);
      endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : body, { status: 200, headers }));
    },
  };

  return {
    plugin,
    render: (graphiqlOptions) => graphiqlHtml(graphiqlOptions, assetsPath),
    assetsPath: prefix,
  };
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };
