/**
 * Priority classes (rules matched in order, shares of the limit) and the `loadShedding` config
 * section: defaults, the fixed form of `limit`, and problems reported with their paths.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatehouseError } from '../../core/errors.ts';
import type { Identity } from '../../core/identity.ts';
import { checkConfig, resolveConfig } from '../../gateway/config/index.ts';
import { type ClassInput, createClasses, operationNameOf } from '../../gateway/load-shedding/classes.ts';

const subgraphs = [{ name: 'a', kind: 'federation', url: 'http://127.0.0.1:4001/graphql' }];

const identity = (over: Partial<Identity>): Identity => ({
  kind: 'api-key',
  subject: 'app',
  scopes: new Set(),
  claims: {},
  tenant: undefined,
  plan: undefined,
  expiresAt: undefined,
  ...over,
});
const input = (over: Partial<ClassInput>): ClassInput => ({
  operationName: undefined,
  clientName: undefined,
  identity: undefined,
  ...over,
});

describe('priority classes', () => {
  const classes = createClasses({
    classes: ['critical', 'high', 'normal', 'low'],
    defaultClass: 'normal',
    lowestShare: 0.5,
    rules: [
      { class: 'critical', operationName: ['Checkout'] },
      { class: 'low', clientName: ['batch-exporter'] },
      { class: 'high', plan: ['enterprise'] },
      { class: 'high', claim: { roles: ['admin'] } },
      { class: 'low', tenant: ['noisy'], operationName: ['Search'] },
    ],
  });
  const classOf = (over: Partial<ClassInput>) => classes.classOf(input(over)).name;

  it('gives the class of the first matching rule, else the default', () => {
    assert.equal(classOf({}), 'normal');
    assert.equal(classOf({ operationName: 'Checkout' }), 'critical');
    assert.equal(classOf({ operationName: 'Checkout', clientName: 'batch-exporter' }), 'critical');
    assert.equal(
      classOf({ clientName: 'batch-exporter', identity: identity({ plan: 'enterprise' }) }),
      'low',
    );
    assert.equal(classOf({ identity: identity({ plan: 'enterprise' }) }), 'high');
    assert.equal(classOf({ identity: identity({ plan: 'free' }) }), 'normal');
  });

  it('matches claims by value or by list membership', () => {
    assert.equal(classOf({ identity: identity({ claims: { roles: 'admin' } }) }), 'high');
    assert.equal(classOf({ identity: identity({ claims: { roles: ['user', 'admin'] } }) }), 'high');
    assert.equal(classOf({ identity: identity({ claims: { roles: ['user'] } }) }), 'normal');
    assert.equal(classOf({ identity: identity({ claims: {} }) }), 'normal');
  });

  it('needs every condition of a rule', () => {
    const noisy = identity({ tenant: 'noisy' });
    assert.equal(classOf({ identity: noisy, operationName: 'Search' }), 'low');
    assert.equal(classOf({ identity: noisy, operationName: 'Other' }), 'normal');
    assert.equal(classOf({ operationName: 'Search' }), 'normal', 'anonymous: no tenant');
  });

  it("reads the operation's name from operationName, else from the document's first operation", () => {
    assert.equal(operationNameOf({ operationName: 'Sent', query: 'query Other { a }' }), 'Sent');
    assert.equal(operationNameOf({ query: 'query Report { a }' }), 'Report');
    assert.equal(operationNameOf({ query: '# a comment\n  mutation Pay($x: Int) { pay }' }), 'Pay');
    assert.equal(operationNameOf({ query: '{ query Checkout }' }), undefined, 'fields, not an operation');
    assert.equal(operationNameOf({ query: 'fragment F on Q { a } query Late { ...F }' }), undefined);
    assert.equal(operationNameOf({ operationName: null }), undefined);
  });

  it('shares the limit from 1 down to lowestShare; critical is never shed', () => {
    assert.deepEqual(
      classes.all.map((c) => [c.name, c.share]),
      [
        ['critical', Number.POSITIVE_INFINITY],
        ['high', 1],
        ['normal', 0.75],
        ['low', 0.5],
      ],
    );
    const two = createClasses({
      classes: ['gold', 'rest'],
      defaultClass: 'rest',
      lowestShare: 0.2,
      rules: [],
    });
    assert.deepEqual(
      two.all.map((c) => c.share),
      [1, 0.2],
      'no class named critical: none is never shed',
    );
    const one = createClasses({
      classes: ['vip', 'all'],
      neverShed: ['vip'],
      defaultClass: 'all',
      lowestShare: 0.5,
      rules: [],
    });
    assert.deepEqual(
      one.all.map((c) => c.share),
      [Number.POSITIVE_INFINITY, 1],
    );
  });
});

describe('loadShedding config', () => {
  const pathsOf = (loadShedding: unknown) => {
    const checked = checkConfig({ subgraphs, loadShedding }, { env: {} });
    assert.ok(checked.problems, 'the config should be rejected');
    return checked.problems.map((p) => p.path).sort();
  };

  it('is off by default, with an adaptive limit and the four classes', () => {
    const { loadShedding } = resolveConfig({ subgraphs }, { env: {} });
    assert.equal(loadShedding.enabled, false);
    assert.deepEqual(loadShedding.limit, { initial: 64, min: 4, max: 1024 });
    assert.deepEqual(loadShedding.classes, ['critical', 'high', 'normal', 'low']);
    assert.equal(loadShedding.defaultClass, 'normal');
    assert.equal(loadShedding.latencyTarget, 1_000);
    assert.equal(loadShedding.retryAfter, 1_000);
    assert.deepEqual(loadShedding.clientNameHeaders, [
      'graphql-client-name',
      'x-graphql-client-name',
      'apollographql-client-name',
    ]);
  });

  it('takes a number as a fixed limit, durations with units, header names in any case', () => {
    const { loadShedding } = resolveConfig(
      {
        subgraphs,
        loadShedding: {
          enabled: true,
          limit: 8,
          latencyTarget: '250ms',
          retryAfter: '2s',
          clientNameHeaders: ['X-Client'],
          rules: [{ class: 'high', claim: { plan: ['enterprise'] } }],
        },
      },
      { env: {} },
    );
    assert.deepEqual(loadShedding.limit, { initial: 8, min: 8, max: 8 });
    assert.equal(loadShedding.latencyTarget, 250);
    assert.equal(loadShedding.retryAfter, 2_000);
    assert.deepEqual(loadShedding.clientNameHeaders, ['x-client']);
  });

  it('reports bad values with their paths', () => {
    assert.deepEqual(pathsOf({ limit: 0 }), ['loadShedding.limit']);
    assert.deepEqual(pathsOf({ limit: { initial: 2, min: 4 } }), ['loadShedding.limit']);
    assert.deepEqual(pathsOf({ latencyTarget: 'soon', backoff: 1, lowestShare: 0 }), [
      'loadShedding.backoff',
      'loadShedding.latencyTarget',
      'loadShedding.lowestShare',
    ]);
    assert.deepEqual(pathsOf({ rules: [{ class: 'low' }] }), ['loadShedding.rules[0]']);
    assert.deepEqual(pathsOf({ rules: [{ class: 'low', operationName: [] }] }), [
      'loadShedding.rules[0].operationName',
    ]);
    assert.deepEqual(pathsOf({ rules: [{ class: 'low', claim: {} }] }), ['loadShedding.rules[0].claim']);
    assert.deepEqual(pathsOf({ enabled: true, shedding: 'on' }), ['loadShedding.shedding']);
  });

  it('reports class names that are not classes, and classes where none could be shed', () => {
    assert.deepEqual(
      pathsOf({
        defaultClass: 'medium',
        neverShed: ['vip'],
        rules: [
          { class: 'low', clientName: ['bot'] },
          { class: 'bulk', clientName: ['exporter'] },
        ],
      }),
      ['loadShedding.defaultClass', 'loadShedding.neverShed[0]', 'loadShedding.rules[1].class'],
    );
    assert.deepEqual(pathsOf({ classes: ['a', 'b', 'a'], defaultClass: 'a' }), ['loadShedding.classes[2]']);
    assert.deepEqual(pathsOf({ classes: ['critical'], defaultClass: 'critical' }), ['loadShedding.classes']);
    assert.deepEqual(pathsOf({ classes: ['a'], defaultClass: 'a', neverShed: ['a'] }), [
      'loadShedding.neverShed',
    ]);
  });

  it('throws CONFIG_INVALID naming the path', () => {
    assert.throws(
      () => resolveConfig({ subgraphs, loadShedding: { enabled: true, limit: -3 } }, { env: {} }),
      (error) => {
        assert.ok(error instanceof GatehouseError);
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.ok(error.problems.some((p) => p.startsWith('loadShedding.limit: ')));
        return true;
      },
    );
  });
});
