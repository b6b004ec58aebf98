/**
 * What a JWT must say it is for: `auth.jwt.typ` (e.g. `at+jwt`, RFC 9068) refuses a token of
 * the same issuer and keys whose `typ` header is another (an ID token, a plain `JWT`) or absent;
 * and a `jwt` section with neither `audience` nor `issuer` (so any token the keys signed, for any
 * client, is accepted) is a warning at startup. On the JSON fast path and on Yoga's path.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { createAuth } from '../../gateway/auth/index.ts';
import { resolveConfig } from '../../gateway/config/index.ts';
import type { Logger } from '../../gateway/logger/index.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import { ask, bearer, codeOf, nowSeconds, PATHS } from '../helpers/auth.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const SECRET = randomBytes(32).toString('base64url');
const sign = (typ: string | undefined) =>
  new SignJWT({ sub: 'u', exp: nowSeconds() + 60 })
    .setProtectedHeader(typ === undefined ? { alg: 'HS256' } : { alg: 'HS256', typ })
    .sign(new TextEncoder().encode(SECRET));

describe('auth.jwt.typ', () => {
  let subgraph: RunningServer;
  let gateway: TestGateway;
  let url: string;
  before(async () => {
    subgraph = await serveGraphQL({
      schema: apolloSubgraph(`${fed2('@key')} type Query { hello: String }`, {
        Query: { hello: () => 'world' },
      }),
    });
    gateway = await startTestGateway(
      {
        subgraphs: [{ name: 'a', kind: 'federation', url: subgraph.url }],
        auth: {
          jwt: { jwks: { secret: { env: 'JWT_SECRET' } }, algorithms: ['HS256'], typ: 'at+jwt' },
        },
      },
      { env: { JWT_SECRET: SECRET } },
    );
    url = (await gateway.listen()).url;
  });
  after(async () => {
    await gateway?.close();
    await subgraph?.close();
  });

  for (const path of PATHS) {
    it(`${path}: at+jwt (and application/at+jwt) is served; another typ or none is a 401`, async () => {
      assert.equal((await ask(url, path, bearer(await sign('at+jwt')))).status, 200);
      assert.equal((await ask(url, path, bearer(await sign('application/at+JWT')))).status, 200);
      for (const typ of ['JWT', 'id_token+jwt', undefined]) {
        const answer = await ask(url, path, bearer(await sign(typ)));
        assert.equal(answer.status, 401, String(typ));
        assert.equal(codeOf(answer), 'UNAUTHENTICATED');
        assert.match(answer.wwwAuthenticate ?? '', /error="invalid_token"/);
      }
    });
  }
});

describe('auth.jwt without audience or issuer', () => {
  const warnings = (jwt: Record<string, unknown>) => {
    const seen: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (message) => void seen.push(message), error() {} };
    const config = resolveConfig({
      subgraphs: [{ name: 'a', kind: 'federation', url: 'http://127.0.0.1:9/' }],
      auth: { jwt: { jwks: { secret: { env: 'S' } }, algorithms: ['HS256'], ...jwt } },
    });
    createAuth(config.auth, { logger, env: { S: SECRET } }).close?.();
    return seen.filter((message) => message.includes('audience'));
  };

  it('is a warning at startup', () => {
    assert.equal(warnings({}).length, 1);
  });

  it('is quiet with an audience, an issuer or both', () => {
    assert.equal(warnings({ audience: 'api' }).length, 0);
    assert.equal(warnings({ issuer: 'https://issuer.example' }).length, 0);
    assert.equal(warnings({ audience: ['api'], issuer: 'https://issuer.example' }).length, 0);
  });
});
