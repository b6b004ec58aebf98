/**
 * An identity provider the gateway cannot ask is not a verdict on the token: a JWKS endpoint that
 * never answered, an introspection endpoint down, failing or too slow give HTTP 503
 * AUTH_PROVIDER_UNAVAILABLE with `Retry-After` (never anonymous, never served), on the JSON fast
 * path and Yoga's; once the provider answers, valid tokens are served and invalid ones are 401s.
 * Real loopback servers.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import {
  type Answer,
  ask,
  bearer,
  codeOf,
  nowSeconds,
  PATHS,
  rsaKey,
  signJwt,
  startIntrospectionServer,
  startJwksServer,
} from '../helpers/auth.ts';
import { CLOSED_PORT } from '../helpers/fault-servers.ts';
import { startTestGateway } from '../helpers/gateway.ts';

let subgraph: RunningServer;
let calls = 0;
before(async () => {
  subgraph = await serveGraphQL({
    schema: apolloSubgraph(`${fed2('@key')} type Query { hello: String }`, {
      Query: {
        hello: () => {
          calls++;
          return 'world';
        },
      },
    }),
  });
});
after(() => subgraph?.close());
const subgraphs = () => [{ name: 'a', kind: 'federation' as const, url: subgraph.url }];

/** 503 AUTH_PROVIDER_UNAVAILABLE with a `Retry-After` of whole seconds, no data, no challenge. */
function unavailable(answer: Answer) {
  assert.equal(answer.status, 503, JSON.stringify(answer.body));
  assert.equal(codeOf(answer), 'AUTH_PROVIDER_UNAVAILABLE');
  assert.equal(answer.body.data, undefined);
  assert.match(answer.retryAfter ?? '', /^[1-9]\d*$/);
  assert.equal(answer.wwwAuthenticate, null);
}

describe('auth: a JWKS endpoint never fetched', () => {
  it('a token is a 503 while the endpoint is down, then served once it answers', async () => {
    const key = await rsaKey('k1');
    const jwks = await startJwksServer([key]);
    jwks.setDown(true);
    const COOLDOWN = 100; // ms
    const gateway = await startTestGateway({
      subgraphs: subgraphs(),
      auth: { jwt: { jwks: { url: jwks.url, cooldown: COOLDOWN }, algorithms: ['RS256'] } },
    });
    try {
      const url = (await gateway.listen()).url;
      const token = await signJwt(key, { sub: 'u' });
      calls = 0;
      for (const path of PATHS) unavailable(await ask(url, path, bearer(token)));
      assert.equal(calls, 0);
      jwks.setDown(false);
      await sleep(COOLDOWN + 20);
      for (const path of PATHS) assert.equal((await ask(url, path, bearer(token))).status, 200);
      // Fetched: a kid the set lacks, or a bad signature, is the token's fault again.
      const stranger = await rsaKey('stranger');
      await sleep(COOLDOWN + 20);
      for (const bad of [
        await signJwt(stranger, { sub: 'x' }),
        await signJwt(stranger, { sub: 'y' }, { kid: 'k1' }),
      ]) {
        const answer = await ask(url, 'fast path (POST)', bearer(bad));
        assert.equal(answer.status, 401);
        assert.equal(codeOf(answer), 'UNAUTHENTICATED');
      }
    } finally {
      await gateway.close();
      await jwks.close();
    }
  });

  it('a closed port is a 503, and a request without a token is still anonymous', async () => {
    const gateway = await startTestGateway({
      subgraphs: subgraphs(),
      auth: { jwt: { jwks: { url: `http://127.0.0.1:${CLOSED_PORT}/jwks.json` }, algorithms: ['RS256'] } },
    });
    try {
      const url = (await gateway.listen()).url;
      const token = await signJwt(await rsaKey('k'), { sub: 'u' });
      for (const path of PATHS) unavailable(await ask(url, path, bearer(token)));
      assert.equal((await ask(url, 'fast path (POST)')).status, 200);
    } finally {
      await gateway.close();
    }
  });
});

describe('auth: an introspection endpoint that cannot answer', () => {
  it('a closed port, HTTP 500 and a timeout are 503s; active: false is still a 401', async () => {
    const failing = createServer((_req, res) => void res.writeHead(500).end());
    // Never answers: the gateway's timeout ends the call.
    const hanging = createServer(() => {});
    const listen = async (server: ReturnType<typeof createServer>) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`;
    };
    const working = await startIntrospectionServer({
      'opaque-ok': { active: true, sub: 'svc', exp: nowSeconds() + 3600 },
    });
    const urls = [`http://127.0.0.1:${CLOSED_PORT}/introspect`, await listen(failing), await listen(hanging)];
    try {
      for (const introspectionUrl of urls) {
        const gateway = await startTestGateway({
          subgraphs: subgraphs(),
          auth: { introspection: { url: introspectionUrl, timeout: 300 } },
        });
        try {
          const url = (await gateway.listen()).url;
          calls = 0;
          for (const path of PATHS) unavailable(await ask(url, path, bearer('opaque-ok')));
          assert.equal(calls, 0);
        } finally {
          await gateway.close();
        }
      }
      const gateway = await startTestGateway({
        subgraphs: subgraphs(),
        auth: { introspection: { url: working.url } },
      });
      try {
        const url = (await gateway.listen()).url;
        assert.equal((await ask(url, 'fast path (POST)', bearer('opaque-ok'))).status, 200);
        const answer = await ask(url, 'fast path (POST)', bearer('opaque-inactive'));
        assert.equal(answer.status, 401);
        assert.equal(codeOf(answer), 'UNAUTHENTICATED');
      } finally {
        await gateway.close();
      }
    } finally {
      failing.closeAllConnections();
      hanging.closeAllConnections();
      failing.close();
      hanging.close();
      await working.close();
    }
  });
});
