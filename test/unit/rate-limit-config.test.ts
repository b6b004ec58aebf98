/**
 * The `rateLimit` section's checks (asserted by path, never by message) and the units of the
 * rate-limit room that need no server: the client address behind trusted proxies, the counter
 * keys, the RateLimit headers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Identity } from '../../core/identity.ts';
import { checkConfig, resolveConfig } from '../../gateway/config/index.ts';
import { createClientAddress } from '../../gateway/rate-limit/client-ip.ts';
import { rateLimitHeaders, retryAfterSeconds } from '../../gateway/rate-limit/headers.ts';
import { createKeyOf } from '../../gateway/rate-limit/keys.ts';
import { resolveRequestLimit } from '../../gateway/rate-limit/request-limits.ts';

const subgraphs = [{ name: 'a', kind: 'federation', url: 'http://127.0.0.1:4001/graphql' }];
const pathsOf = (config: Record<string, unknown>) => {
  const checked = checkConfig({ subgraphs, ...config }, { env: {} });
  assert.ok(checked.problems, 'the config should be rejected');
  return checked.problems.map((p) => p.path);
};

const identity = (over: Partial<Identity>): Identity => ({
  kind: 'jwt',
  subject: undefined,
  scopes: new Set(),
  claims: {},
  tenant: undefined,
  plan: undefined,
  expiresAt: undefined,
  ...over,
});

describe('rateLimit config', () => {
  it('is off by default and resolves the documented example', () => {
    assert.deepEqual(resolveConfig({ subgraphs }, { env: {} }).rateLimit.limits, []);
    const { rateLimit } = resolveConfig(
      {
        subgraphs,
        rateLimit: {
          limits: [{ name: 'per-client', by: 'ip', limit: 50, window: '1m', algorithm: 'sliding-window' }],
        },
      },
      { env: {} },
    );
    assert.equal(rateLimit.store, 'memory');
    assert.deepEqual(rateLimit.limits[0], {
      name: 'per-client',
      by: ['ip'],
      limit: 50,
      window: 60_000,
      whenMissing: 'ip',
      algorithm: 'sliding-window',
      cost: 1,
      plans: {},
      onStoreError: 'open',
    });
  });

  it('rejects bad windows, limits, sources, names and duplicates, each at its path', () => {
    const paths = pathsOf({
      rateLimit: {
        limits: [
          { name: 'a', limit: 10, window: '1 minute' },
          { name: 'b', limit: 0, window: '1m' },
          { name: 'c', limit: 10, window: '1m', by: ['sub', 'cookie'] },
          { name: 'bad name', limit: 10, window: '1m' },
          { name: 'a', limit: 10, window: '1m', algorithm: 'leaky' },
        ],
      },
    });
    assert.deepEqual(paths, [
      'rateLimit.limits[0].window',
      'rateLimit.limits[1].limit',
      'rateLimit.limits[2].by[1]',
      'rateLimit.limits[3].name',
      'rateLimit.limits[4].algorithm',
    ]);
  });

  it('reports a duplicate name, a redis store without redis, and an unknown subgraph', () => {
    const paths = pathsOf({
      rateLimit: {
        store: 'redis',
        limits: [
          { name: 'x', limit: 1, window: '1s' },
          { name: 'x', limit: 1, window: '1s' },
        ],
        subgraphs: { nope: { limit: 10, window: '1s' } },
      },
    });
    assert.ok(paths.includes('rateLimit.limits[1].name'), paths.join(', '));
    assert.ok(paths.includes('rateLimit.store'), paths.join(', '));
    assert.ok(paths.includes('rateLimit.subgraphs.nope'), paths.join(', '));
  });
});

describe('client address', () => {
  it('is the connection address when no proxy is trusted; X-Forwarded-For is ignored', () => {
    const address = createClientAddress({ trustedProxies: [] });
    assert.equal(address({ remoteAddress: '10.1.2.3', forwardedFor: '1.1.1.1' }), '10.1.2.3');
    assert.equal(address({ remoteAddress: '::ffff:10.1.2.3', forwardedFor: null }), '10.1.2.3');
    assert.equal(address({ remoteAddress: undefined, forwardedFor: null }), 'unknown');
  });

  it('skips trusted hops from the right and never believes past an untrusted one', () => {
    const address = createClientAddress({ trustedProxies: ['10.0.0.0/8', '::1'] });
    // Client 203.0.113.9 through two trusted proxies; it wrote a forged first entry.
    const forwardedFor = '198.51.100.1, 203.0.113.9, 10.0.0.2';
    assert.equal(address({ remoteAddress: '10.0.0.1', forwardedFor }), '203.0.113.9');
    // An untrusted peer's header is not read at all.
    assert.equal(address({ remoteAddress: '192.0.2.7', forwardedFor }), '192.0.2.7');
    assert.equal(
      address({ remoteAddress: '::1', forwardedFor: '2001:db8::5' }),
      '2001:0db8:0000:0000:0000:0000:0000:0000/64',
    );
    // Every hop trusted: the leftmost one.
    assert.equal(address({ remoteAddress: '10.0.0.1', forwardedFor: '10.9.9.9' }), '10.9.9.9');
    // A hop that is not an address is the client as written, never the proxy before it.
    assert.equal(address({ remoteAddress: '10.0.0.1', forwardedFor: 'unknown' }), 'hop:unknown');
    assert.equal(
      address({ remoteAddress: '10.0.0.1', forwardedFor: '1.2.3.4, _hidden, 10.0.0.3' }),
      'hop:_hidden',
    );
  });

  it('reads hops with ports and zone ids, and counts IPv6 clients by their /64', () => {
    const address = createClientAddress({ trustedProxies: ['10.0.0.0/8'] });
    assert.equal(address({ remoteAddress: '10.0.0.1', forwardedFor: '1.2.3.4:5555' }), '1.2.3.4');
    const v6 = '2001:0db8:0001:0002:0000:0000:0000:0000/64';
    assert.equal(address({ remoteAddress: '10.0.0.1', forwardedFor: '[2001:db8:1:2::9]:443' }), v6);
    assert.equal(address({ remoteAddress: '10.0.0.1', forwardedFor: '2001:db8:1:2:ffff::1' }), v6);
    assert.equal(
      address({ remoteAddress: 'fe80::1%eth0', forwardedFor: null }),
      'fe80:0000:0000:0000:0000:0000:0000:0000/64',
    );
    assert.equal(
      createClientAddress({ trustedProxies: [], ipv6Prefix: 128 })({
        remoteAddress: '::ffff:1.2.3.4',
        forwardedFor: null,
      }),
      '1.2.3.4',
    );
    assert.equal(
      createClientAddress({ trustedProxies: [], ipv6Prefix: 48 })({
        remoteAddress: '2001:db8:aaaa:bbbb::1',
        forwardedFor: null,
      }),
      '2001:0db8:aaaa:0000:0000:0000:0000:0000/48',
    );
  });

  it('refuses a trusted proxy that is not an address or a range, at its path', () => {
    const paths = pathsOf({
      rateLimit: { trustedProxies: ['10.0.0', '10.0.0.0/99', 'abc', '::1/129', '10.0.0.0/8'] },
    });
    assert.deepEqual(paths, [
      'rateLimit.trustedProxies[0]',
      'rateLimit.trustedProxies[1]',
      'rateLimit.trustedProxies[2]',
      'rateLimit.trustedProxies[3]',
    ]);
  });
});

describe('counter keys', () => {
  const headers = new Headers({ 'x-team': 'a|b=c' });
  it('has one part per source; a missing value falls back to the address', () => {
    const keyOf = createKeyOf('l', ['sub', 'tenant', 'header:x-team']);
    assert.equal(
      keyOf({ identity: identity({ subject: 'u1', tenant: 't1' }), address: '10.0.0.1', headers }),
      'l|sub=u1|tenant=t1|h:x-team=a%7cb%3dc',
    );
    assert.equal(
      keyOf({ identity: undefined, address: '10.0.0.1', headers: new Headers() }),
      'l|ip=10.0.0.1|ip=10.0.0.1|ip=10.0.0.1',
    );
  });

  it('leaves a request without the value out of the limit with whenMissing: skip', () => {
    const keyOf = createKeyOf('l', ['header:x-team'], 'skip');
    assert.equal(keyOf({ identity: undefined, address: 'x', headers: new Headers() }), undefined);
    assert.equal(
      keyOf({ identity: undefined, address: 'x', headers: new Headers({ 'x-team': 'r' }) }),
      'l|h:x-team=r',
    );
  });

  it('hashes long values and escapes hash-tag braces; a header named ip cannot pose as the address', () => {
    const keyOf = createKeyOf('l', ['header:ip']);
    assert.equal(
      keyOf({ identity: undefined, address: 'x', headers: new Headers({ ip: '10.0.0.9' }) }),
      'l|h:ip=10.0.0.9',
    );
    const long = keyOf({ identity: undefined, address: 'x', headers: new Headers({ ip: 'a'.repeat(65) }) });
    assert.match(long ?? '', /^l\|h:ip=#[\w-]{43}$/);
    assert.notEqual(
      long,
      keyOf({ identity: undefined, address: 'x', headers: new Headers({ ip: `${'a'.repeat(65)}b` }) }),
    );
    assert.equal(
      keyOf({ identity: undefined, address: 'x', headers: new Headers({ ip: '{tag}' }) }),
      'l|h:ip=%7btag%7d',
    );
  });

  it('counts API keys by key id only, and everyone under global', () => {
    const keyOf = createKeyOf('l', ['apiKey']);
    assert.equal(
      keyOf({ identity: identity({ kind: 'api-key', subject: 'k1' }), address: 'x', headers }),
      'l|apiKey=k1',
    );
    assert.equal(keyOf({ identity: identity({ subject: 'k1' }), address: 'x', headers }), 'l|ip=x');
    assert.equal(createKeyOf('g', ['global'])({ identity: undefined, address: 'x', headers }), 'g|global');
  });

  it("picks the caller's plan's limit", () => {
    const limit = resolveRequestLimit({
      name: 'per-tenant',
      by: ['tenant'],
      whenMissing: 'ip',
      limit: 5,
      window: 60_000,
      algorithm: 'token-bucket',
      cost: 1,
      plans: { pro: { limit: 1000 } },
      onStoreError: 'open',
    });
    const input = { address: 'x', headers };
    assert.equal(
      limit.checkOf({ ...input, identity: identity({ tenant: 't', plan: 'pro' }) })?.rule.limit,
      1000,
    );
    assert.equal(
      limit.checkOf({ ...input, identity: identity({ tenant: 't', plan: 'free' }) })?.rule.limit,
      5,
    );
    assert.equal(limit.checkOf({ ...input, identity: undefined })?.fallback.limit, 5);
  });
});

describe('RateLimit headers', () => {
  it('lists each limit with its quota, window, remaining units and reset', () => {
    const applied = [
      {
        name: 'a',
        windowMs: 60_000,
        decision: { allowed: true, limit: 50, remaining: 12, resetMs: 29_001, retryAfterMs: 0 },
      },
      {
        name: 'b',
        windowMs: 1_000,
        decision: { allowed: false, limit: 5, remaining: 0, resetMs: 400, retryAfterMs: 2_500 },
      },
    ];
    assert.deepEqual(rateLimitHeaders(applied), {
      'RateLimit-Policy': '"a";q=50;w=60, "b";q=5;w=1',
      // b refused: its t is not below its own wait (reset 0.4 s, Retry-After 3 s).
      RateLimit: '"a";r=12;t=30, "b";r=0;t=3',
    });
    assert.equal(retryAfterSeconds(applied.slice(1)), 3);
  });

  it('names the unit of a limit that counts cost units, with an extension parameter', () => {
    const decision = { allowed: true, limit: 50, remaining: 12, resetMs: 1_000, retryAfterMs: 0 };
    const limitOf = (name: string, cost: number | 'operation') =>
      resolveRequestLimit({
        name,
        by: ['ip'],
        whenMissing: 'ip',
        limit: 50,
        window: 60_000,
        algorithm: 'fixed-window',
        cost,
        plans: {},
        onStoreError: 'open',
      });
    const fixed = limitOf('c', 5);
    const once = limitOf('r', 1);
    assert.equal(limitOf('o', 'operation').countsCost, true);
    assert.equal(fixed.countsCost, true);
    assert.equal(once.countsCost, false);
    assert.equal(
      rateLimitHeaders([
        { name: 'r', windowMs: 60_000, countsCost: once.countsCost, decision },
        { name: 'c', windowMs: 60_000, countsCost: fixed.countsCost, decision },
      ])['RateLimit-Policy'],
      '"r";q=50;w=60, "c";q=50;w=60;gatehouse-qu="cost"',
    );
  });
});
