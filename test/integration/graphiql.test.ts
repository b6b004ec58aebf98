import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { FIXTURE_DIR } from '../../subgraphs/bench/data.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const supergraph = join(FIXTURE_DIR, 'supergraph.graphql');
const exampleQuery = '# Top products </script><!-- \u2028\nquery Top {\n  topProducts(first: 1) { upc }\n}\n';

/** GET over a real socket, the path sent byte for byte (no URL normalisation by the client). */
function rawGet(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GraphiQL served from local assets', () => {
  let gateway: TestGateway;
  let html: string;
  const get = (path: string, headers: Record<string, string> = {}) =>
    gateway.yoga.fetch(`http://gateway${path}`, { headers });

  before(async () => {
    gateway = await startTestGateway({ supergraph, server: { exampleQuery } });
    html = await (await get('/graphql', { accept: 'text/html' })).text();
  });
  after(async () => {
    await gateway?.close();
  });

  /** Every URL the page loads: script and stylesheet, and the editor workers. */
  const pageUrls = () => {
    const attributes = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    const workers = JSON.parse(/const workers = (\{.*?\});/.exec(html)![1]!) as Record<string, string>;
    return [...attributes.filter((url) => url !== 'data:,'), ...Object.values(workers)];
  };

  it('renders the page with the example query preloaded', async () => {
    const response = await get('/graphql', { accept: 'text/html' });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const options = JSON.parse(/const options = (\{.*\});/.exec(html)![1]!) as Record<string, unknown>;
    assert.equal(options.defaultQuery, exampleQuery);
    // The query's own </script> and <!-- cannot end or bend the inline script.
    assert.equal(html.includes('</script><!--'), false);
    assert.equal(html.split('</script>').length - 1, html.split('<script').length - 1);
  });

  it('points only at files served by the gateway, never at a CDN', () => {
    const urls = pageUrls();
    assert.ok(urls.length >= 5, `urls: ${urls.join(', ')}`);
    for (const url of urls) assert.match(url, /^\/graphiql\/assets\/[\w./-]+$/);
    assert.doesNotMatch(html, /unpkg|jsdelivr|https?:\/\//);
  });

  it('serves each file the page loads, with its content type', async () => {
    for (const url of pageUrls()) {
      const response = await get(url);
      assert.equal(response.status, 200, url);
      const type = response.headers.get('content-type') ?? '';
      assert.match(type, url.endsWith('.css') ? /^text\/css/ : /^text\/javascript/, url);
      assert.ok((await response.arrayBuffer()).byteLength > 1000, url);
    }
  });

  it('gzips for clients that accept it and answers 304 to a matching ETag', async () => {
    const plain = Buffer.from(await (await get('/graphiql/assets/graphiql.css')).arrayBuffer());
    const zipped = await get('/graphiql/assets/graphiql.css', { 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers.get('content-encoding'), 'gzip');
    assert.deepEqual(gunzipSync(Buffer.from(await zipped.arrayBuffer())), plain);
    const etag = zipped.headers.get('etag');
    assert.ok(etag);
    const again = await get('/graphiql/assets/graphiql.css', { 'if-none-match': etag });
    assert.equal(again.status, 304);
  });

  it('answers 404 for anything that is not a file of the package dist', async () => {
    for (const path of [
      '/graphiql/assets/',
      '/graphiql/assets/nope.js',
      '/graphiql/assets/%2e%2e/package.json',
      '/graphiql/assets/..%2fpackage.json',
      '/graphiql/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
      '/graphiql/assets/monacoeditorwork/../../package.json',
      '/graphiql/assets//etc/passwd',
    ]) {
      const response = await get(path);
      assert.equal(response.status, 404, path);
    }
  });

  it('answers 404 to dot segments sent raw over a socket', async () => {
    const { port } = await gateway.listen();
    for (const path of [
      '/graphiql/assets/../../package.json',
      '/graphiql/assets/../../../../../../etc/passwd',
      '/graphiql/assets/..%2f..%2fpackage.json',
    ]) {
      assert.equal(await rawGet(port, path), 404, path);
    }
  });
});

describe('GraphiQL turned off', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ supergraph, server: { graphiql: false, exampleQuery } });
  });
  after(async () => {
    await gateway?.close();
  });

  it('serves neither the page nor its assets', async () => {
    const page = await gateway.yoga.fetch('http://gateway/graphql', { headers: { accept: 'text/html' } });
    assert.doesNotMatch(page.headers.get('content-type') ?? '', /text\/html/);
    await page.arrayBuffer();
    const asset = await gateway.yoga.fetch('http://gateway/graphiql/assets/graphiql.css');
    assert.equal(asset.status, 404);
    await asset.arrayBuffer();
  });
});
