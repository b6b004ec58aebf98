/** `subgraphs[].loadBalancing`: defaults, and every mistake reported with its path. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConfig, resolveConfig } from '../../gateway/config/index.ts';

const subgraph = (loadBalancing: unknown) => ({
  subgraphs: [{ name: 'products', kind: 'federation', url: 'http://products/graphql', loadBalancing }],
});
const problems = (loadBalancing: unknown) => {
  const checked = checkConfig(subgraph(loadBalancing), { env: {} });
  assert.ok(checked.problems, 'the config should be rejected');
  return checked.problems.map((p) => p.path).sort();
};

describe('loadBalancing config', () => {
  it('fills the defaults: round robin, outlier detection on, no health checks, no pinning', () => {
    const config = resolveConfig(subgraph({ targets: [{ url: 'http://a/graphql' }] }), { env: {} });
    assert.deepEqual(config.subgraphs[0]?.loadBalancing, {
      strategy: 'round-robin',
      targets: [{ url: 'http://a/graphql' }],
      outlierDetection: {
        enabled: true,
        consecutiveFailures: 5,
        baseEjectionTime: 30_000,
        maxEjectionTime: 300_000,
        maxEjectionPercent: 50,
      },
    });
  });

  it('reads durations, lower-cases the pin header, fills health-check defaults', () => {
    const config = resolveConfig(
      subgraph({
        strategy: 'weighted',
        targets: [
          { url: 'http://a/graphql', weight: 95, version: 'v1' },
          { url: 'http://b/graphql', weight: 5, version: 'v2' },
        ],
        pinHeader: 'X-Subgraph-Version',
        healthCheck: { path: '/health', interval: '1s' },
      }),
      { env: {} },
    );
    const lb = config.subgraphs[0]?.loadBalancing;
    assert.equal(lb?.pinHeader, 'x-subgraph-version');
    assert.deepEqual(lb?.healthCheck, {
      path: '/health',
      interval: 1_000,
      timeout: 2_000,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    });
  });

  it('rejects what cannot work, each problem at its path', () => {
    assert.deepEqual(problems({ targets: [] }), ['subgraphs[0].loadBalancing.targets']);
    assert.deepEqual(problems({}), ['subgraphs[0].loadBalancing.targets']);
    assert.deepEqual(
      problems({
        targets: [
          { url: 'http://a/graphql', version: 'v1' },
          { url: 'http://a/graphql/', version: 'v1' },
          { url: 'ftp://c/graphql' },
        ],
      }),
      [
        'subgraphs[0].loadBalancing.targets[1].url',
        'subgraphs[0].loadBalancing.targets[1].version',
        'subgraphs[0].loadBalancing.targets[2].url',
      ],
    );
    assert.deepEqual(
      problems({
        targets: [
          { url: 'http://a/graphql', version: 'v1' },
          { url: 'http://a/graphql/', version: 'v1' },
        ],
      }),
      ['subgraphs[0].loadBalancing.targets[1].url', 'subgraphs[0].loadBalancing.targets[1].version'],
    );
    assert.deepEqual(problems({ strategy: 'weighted', targets: [{ url: 'http://a', weight: 0 }] }), [
      'subgraphs[0].loadBalancing.targets[0].weight',
    ]);
    assert.deepEqual(problems({ targets: [{ url: 'http://a', weight: 3 }] }), [
      'subgraphs[0].loadBalancing.targets[0].weight',
    ]);
    assert.deepEqual(problems({ strategy: 'random', targets: [{ url: 'http://a' }] }), [
      'subgraphs[0].loadBalancing.strategy',
    ]);
    assert.deepEqual(problems({ pinHeader: 'x-version', targets: [{ url: 'http://a' }] }), [
      'subgraphs[0].loadBalancing.pinHeader',
    ]);
  });

  it('wants exactly one of path or query in a health check, a positive timeout', () => {
    const targets = [{ url: 'http://a/graphql' }];
    assert.deepEqual(problems({ targets, healthCheck: {} }), ['subgraphs[0].loadBalancing.healthCheck.path']);
    assert.deepEqual(problems({ targets, healthCheck: { path: '/health', query: '{ __typename }' } }), [
      'subgraphs[0].loadBalancing.healthCheck.path',
    ]);
    assert.deepEqual(problems({ targets, healthCheck: { path: 'health' } }), [
      'subgraphs[0].loadBalancing.healthCheck.path',
    ]);
    assert.deepEqual(problems({ targets, healthCheck: { query: '{ __typename }', timeout: 0 } }), [
      'subgraphs[0].loadBalancing.healthCheck.timeout',
    ]);
    assert.deepEqual(
      problems({ targets, outlierDetection: { baseEjectionTime: '1m', maxEjectionTime: '30s', extra: 1 } }),
      [
        'subgraphs[0].loadBalancing.outlierDetection.extra',
        'subgraphs[0].loadBalancing.outlierDetection.maxEjectionTime',
      ],
    );
    assert.deepEqual(
      problems({ targets, outlierDetection: { baseEjectionTime: '1m', maxEjectionTime: '30s' } }),
      ['subgraphs[0].loadBalancing.outlierDetection.maxEjectionTime'],
    );
  });
});
