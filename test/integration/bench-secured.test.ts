import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { post } from '../bench/check.ts';
import { stopAllChildren } from '../bench/children.ts';
import { type BenchEnvironment, type RunningTarget, startEnvironment, startTarget } from '../bench/setup.ts';

/**
 * The bench's secured target is what it claims: the policies are enforced (a token short of one
 * scope or claim loses fields), a request without a token is refused, and the pool holds unique
 * tokens signed with the run's key. (The answer with a good token is checked by `startTarget`.)
 */
describe('bench target gatehouse-secured', () => {
  let env: BenchEnvironment;
  let target: RunningTarget;
  before(async () => {
    env = await startEnvironment(20);
    target = await startTarget('gatehouse-secured', env, {
      pin: false,
      logFile: join(env.workDir, 'gatehouse-secured.log'),
    });
  });
  after(async () => {
    await stopAllChildren();
    await env?.close();
  });

  const codes = (body: unknown) =>
    new Set(
      ((body as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map(
        (e) => e.extensions?.code,
      ),
    );

  it('refuses a request without a token, and one with a bad signature', async () => {
    const body = env.workloads.testquery.body;
    assert.equal((await post(target.url, body, '')).status, 401);
    const [header, payload] = env.jwt.authorization().slice('Bearer '.length).split('.');
    assert.equal((await post(target.url, body, `Bearer ${header}.${payload}.AAAA`)).status, 401);
  });

  it('takes away the fields a token lacks the scope or claim for', async () => {
    const body = env.workloads.testquery.body;
    const noReviews = await post(
      target.url,
      body,
      env.jwt.authorization({ scope: 'users:read products:read' }),
    );
    assert.equal(noReviews.status, 200);
    assert.deepEqual(codes(noReviews.body), new Set(['FORBIDDEN']));
    const guest = await post(target.url, body, env.jwt.authorization({ role: 'guest' }));
    assert.deepEqual(codes(guest.body), new Set(['FORBIDDEN']));
    const good = await post(target.url, body, env.jwt.authorization());
    assert.deepEqual(good.body, env.workloads.testquery.expected);
  });

  it('signs a pool of unique tokens with the key of the JWKS file', async () => {
    const pool = await env.jwt.pool;
    const tokens = readFileSync(pool.file, 'utf8').split('\n').filter(Boolean);
    assert.equal(tokens.length, 20);
    assert.equal(pool.size, 20);
    assert.equal(new Set(tokens).size, 20);
    for (const token of tokens.slice(0, 3)) {
      const answer = await post(target.url, env.workloads.testquery.body, `Bearer ${token}`);
      assert.deepEqual(answer.body, env.workloads.testquery.expected);
    }
  });
});
