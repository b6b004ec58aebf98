/**
 * A key removed from the JWKS takes its tokens with it: a token verified (and cached) with a key
 * is refused once a fetch of the key set no longer holds that key, whether the fetch was caused
 * by another token or by the cached token itself (a stale set is fetched again in the
 * background). Real JWKS server on loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import {
  ask,
  bearer,
  codeOf,
  countVerifications,
  type JwksServer,
  rsaKey,
  signJwt,
  startJwksServer,
  type TestKey,
} from '../helpers/auth.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const COOLDOWN = 50; // ms

describe('auth: a key rotated out of the JWKS', () => {
  let subgraph: RunningServer;
  let jwks: JwksServer;
  let gateway: TestGateway;
  let url: string;
  let old: TestKey;
  let next: TestKey;

  before(async () => {
    subgraph = await serveGraphQL({
      schema: apolloSubgraph(`${fed2('@key')} type Query { hello: String }`, {
        Query: { hello: () => 'world' },
      }),
    });
    old = await rsaKey('old');
    next = await rsaKey('next');
    jwks = await startJwksServer([old, next]);
    gateway = await startTestGateway({
      subgraphs: [{ name: 'a', kind: 'federation', url: subgraph.url }],
      // Stale after 1 ms: a lookup past the cool-down fetches the set again.
      auth: { jwt: { jwks: { url: jwks.url, maxAge: 1, cooldown: COOLDOWN }, algorithms: ['RS256'] } },
    });
    url = (await gateway.listen()).url;
  });
  after(async () => {
    await gateway?.close();
    await jwks?.close();
    await subgraph?.close();
  });

  /** Asks with `token` until it is refused (the background fetch has landed), at most 50 times. */
  const refusedSoon = async (token: string) => {
    for (let i = 0; i < 50; i++) {
      const answer = await ask(url, 'fast path (POST)', bearer(token));
      if (answer.status === 401) return answer;
      await sleep(20);
    }
    assert.fail('the token was still served');
  };

  it('a cached token is refused once a fetch caused by another token drops its key', async () => {
    jwks.setKeys([old, next]);
    const token = await signJwt(old, { sub: 'a' });
    const counter = countVerifications();
    try {
      assert.equal((await ask(url, 'fast path (POST)', bearer(token))).status, 200);
      assert.equal((await ask(url, 'Yoga (GET)', bearer(token))).status, 200);
      assert.equal(counter.count('jwt'), 1, 'cached');
    } finally {
      counter.stop();
    }
    jwks.setKeys([next]);
    await sleep(COOLDOWN + 20);
    // Another caller's token: its verification finds the set stale and fetches it again.
    assert.equal((await ask(url, 'fast path (POST)', bearer(await signJwt(next, { sub: 'b' })))).status, 200);
    const answer = await refusedSoon(token);
    assert.equal(codeOf(answer), 'UNAUTHENTICATED');
    assert.equal((await ask(url, 'Yoga (GET)', bearer(token))).status, 401);
  });

  it('a cached token alone makes a stale key set be fetched again, and is then refused', async () => {
    jwks.setKeys([old, next]);
    await sleep(COOLDOWN + 20);
    const token = await signJwt(old, { sub: 'c' });
    // A new token: the stale set is fetched again (old is back) while it is verified.
    assert.equal((await ask(url, 'fast path (POST)', bearer(token))).status, 200);
    await sleep(COOLDOWN + 20);
    assert.equal((await ask(url, 'fast path (POST)', bearer(token))).status, 200);
    jwks.setKeys([next]);
    await sleep(COOLDOWN + 20);
    const answer = await refusedSoon(token);
    assert.equal(codeOf(answer), 'UNAUTHENTICATED');
  });

  it('tokens of a key still in the set stay cached', async () => {
    jwks.setKeys([next]);
    const token = await signJwt(next, { sub: 'd' });
    assert.equal((await ask(url, 'fast path (POST)', bearer(token))).status, 200);
    const counter = countVerifications();
    try {
      await sleep(COOLDOWN + 20);
      for (let i = 0; i < 3; i++) {
        assert.equal((await ask(url, 'fast path (POST)', bearer(token))).status, 200);
        await sleep(COOLDOWN + 20);
      }
      assert.equal(counter.count('jwt'), 0);
      assert.ok(jwks.requests() > 0);
    } finally {
      counter.stop();
    }
  });
});
