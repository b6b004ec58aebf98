/**
 * The `redis` config key: exactly one of `url`, `cluster`, `sentinel`; URLs of redis:// or
 * rediss://; sentinels as host:port; durations resolved to milliseconds. Asserted by path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConfig, resolveConfig } from '../../gateway/config/index.ts';

const subgraphs = [{ name: 'a', kind: 'federation', url: 'http://127.0.0.1:4001/graphql' }];
const pathsOf = (redis: unknown) => {
  const checked = checkConfig({ subgraphs, redis }, { env: {} });
  assert.ok(checked.problems, 'the config should be rejected');
  return checked.problems.map((p) => p.path);
};

describe('redis config', () => {
  it('is absent by default', () => {
    assert.equal(resolveConfig({ subgraphs }, { env: {} }).redis, undefined);
  });

  it('resolves a standalone url with its defaults', () => {
    const { redis } = resolveConfig(
      { subgraphs, redis: { url: 'rediss://:pw@10.0.0.1:6380/2' } },
      { env: {} },
    );
    assert.deepEqual(redis, {
      url: 'rediss://:pw@10.0.0.1:6380/2',
      keyPrefix: 'gatehouse:',
      connectTimeout: 2_000,
      commandTimeout: 1_000,
    });
  });

  it('resolves a cluster and a sentinel set, durations in milliseconds', () => {
    const cluster = resolveConfig(
      { subgraphs, redis: { cluster: { nodes: ['redis://10.0.0.1:7000'] }, connectTimeout: '500ms' } },
      { env: {} },
    ).redis;
    assert.equal(cluster?.connectTimeout, 500);
    const sentinel = resolveConfig(
      { subgraphs, redis: { sentinel: { sentinels: ['10.0.0.1:26379', '[::1]:26379'], name: 'mymaster' } } },
      { env: {} },
    ).redis;
    assert.equal(sentinel?.sentinel?.tls, false);
  });

  it('rejects no location, two locations, foreign URLs, bad sentinels and unknown keys', () => {
    assert.deepEqual(pathsOf({}), ['redis']);
    assert.deepEqual(pathsOf({ url: 'redis://a', cluster: { nodes: ['redis://b'] } }), ['redis.cluster']);
    assert.deepEqual(pathsOf({ url: 'http://127.0.0.1:6379' }), ['redis.url']);
    assert.deepEqual(pathsOf({ cluster: { nodes: [] } }), ['redis.cluster.nodes']);
    assert.deepEqual(pathsOf({ sentinel: { sentinels: ['a'], name: 'm' } }), ['redis.sentinel.sentinels[0]']);
    assert.deepEqual(pathsOf({ url: 'redis://a', host: 'a' }), ['redis.host']);
  });
});
