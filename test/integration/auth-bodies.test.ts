/**
 * Answers of the servers auth relies on, over real loopback sockets: a JWKS endpoint or an
 * introspection endpoint sending an endless body, or declaring a huge one, is cut off at the size
 * limit (the request is refused at once, not after the fetch deadline, and memory stays bounded:
 * 503, as the provider gave no usable answer);
 * a plain http:// URL to another host is a warning at startup.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAuth } from '../../gateway/auth/index.ts';
import { resolveConfig } from '../../gateway/config/index.ts';
import type { Logger } from '../../gateway/logger/index.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import { ask, bearer, codeOf, rsaKey, signJwt } from '../helpers/auth.ts';
import { startTestGateway } from '../helpers/gateway.ts';

const DEADLINE = 10_000; // 10 s: twice what the test allows itself

/** A server whose every answer is 200 and never ends (`endless`), or declares 100 MiB and stalls. */
async function startFloodServer(kind: 'endless' | 'declared'): Promise<{
  url: string;
  sent(): number;
  close(): Promise<void>;
}> {
  let sent = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    if (kind === 'declared') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) });
      res.write('{"keys":[');
      return; // and nothing more: only the declared length can tell
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20); // 64 KiB of spaces
    const pump = () => {
      if (res.destroyed) return;
      sent += chunk.length;
      if (res.write(chunk)) setImmediate(pump);
      else res.once('drain', pump);
    };
    res.write('{"keys":');
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    sent: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('auth: oversized answers from the JWKS and introspection endpoints', () => {
  let subgraph: RunningServer;
  before(async () => {
    subgraph = await serveGraphQL({
      schema: apolloSubgraph(`${fed2('@key')} type Query { hello: String }`, {
        Query: { hello: () => 'world' },
      }),
    });
  });
  after(async () => {
    await subgraph?.close();
  });

  for (const kind of ['endless', 'declared'] as const) {
    for (const source of ['jwks', 'introspection'] as const) {
      it(`${source}: a body that is ${kind === 'endless' ? 'endless' : 'declared huge'} is cut off (503 at once)`, async () => {
        const flood = await startFloodServer(kind);
        const auth =
          source === 'jwks'
            ? { jwt: { jwks: { url: flood.url, timeout: DEADLINE }, algorithms: ['RS256' as const] } }
            : { introspection: { url: flood.url, timeout: DEADLINE } };
        const gateway = await startTestGateway({
          subgraphs: [{ name: 'a', kind: 'federation', url: subgraph.url }],
          auth,
        });
        try {
          const url = (await gateway.listen()).url;
          const token =
            source === 'jwks' ? await signJwt(await rsaKey('k'), { sub: 'u', exp: 9_999_999_999 }) : 'opaque';
          const started = Date.now();
          const answer = await ask(url, 'fast path (POST)', bearer(token));
          assert.equal(answer.status, 503);
          assert.equal(codeOf(answer), 'AUTH_PROVIDER_UNAVAILABLE');
          assert.ok(Date.now() - started < 5_000, 'answered long before the fetch deadline');
          // Reading stopped near the limit (1 MiB for a key set), give or take socket buffers.
          assert.ok(flood.sent() < 16 * 1024 * 1024);
        } finally {
          await gateway.close();
          await flood.close();
        }
      });
    }
  }
});

describe('auth: plain http:// endpoints', () => {
  const warnings = (auth: Record<string, unknown>) => {
    const seen: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (message) => void seen.push(message),
      error() {},
    };
    const config = resolveConfig({
      subgraphs: [{ name: 'a', kind: 'federation', url: 'http://127.0.0.1:9/' }],
      auth,
    });
    const room = createAuth(config.auth, { logger, env: {} });
    room.close?.();
    return seen.length;
  };

  it('warns at startup for a JWKS or introspection URL over http:// to another host', () => {
    assert.equal(
      warnings({
        jwt: { jwks: { url: 'http://issuer.example/jwks' }, audience: 'api', algorithms: ['RS256'] },
      }),
      1,
    );
    assert.equal(warnings({ introspection: { url: 'http://issuer.example/introspect' } }), 1);
  });

  it('is quiet for https:// and for loopback', () => {
    assert.equal(
      warnings({
        jwt: { jwks: { url: 'https://issuer.example/jwks' }, audience: 'api', algorithms: ['RS256'] },
      }),
      0,
    );
    assert.equal(warnings({ introspection: { url: 'http://127.0.0.1:9/introspect' } }), 0);
    assert.equal(warnings({ introspection: { url: 'http://localhost:9/introspect' } }), 0);
    assert.equal(warnings({ introspection: { url: 'http://[::1]:9/introspect' } }), 0);
  });
});
