/** Checking a config object: defaults, unknown keys, every problem at once with its path. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatehouseError } from '../../core/errors.ts';
import { checkConfig, resolveConfig } from '../../gateway/config/index.ts';

const federation = (name: string, url = `http://127.0.0.1:4001/${name}`) => ({
  name,
  kind: 'federation',
  url,
});
const pathsOf = (input: unknown) => {
  const checked = checkConfig(input, { env: {} });
  assert.ok(checked.problems, 'the config should be rejected');
  return checked.problems.map((p) => p.path);
};

describe('checkConfig and resolveConfig', () => {
  it('fills every default and freezes the result', () => {
    const config = resolveConfig({ subgraphs: [federation('a')] }, { env: {} });
    assert.equal(config.server.port, 4000);
    assert.equal(config.server.host, '127.0.0.1');
    assert.equal(config.upstream.requestTimeout, 30_000);
    assert.equal(config.upstream.connections, 128);
    assert.equal(config.loading.retryInitialDelay, 1_000);
    assert.deepEqual(config.subgraphs[0], {
      ...federation('a'),
      required: false,
      headers: {},
      dedup: 'shared',
    });
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.subgraphs[0]));
  });

  it('rejects unknown keys at every level, one problem per key, with its path', () => {
    assert.deepEqual(
      pathsOf({
        servr: {},
        server: { prot: 1 },
        upstream: { retries: 2 },
        subgraphs: [
          { ...federation('a'), timout: 5 },
          { name: 'b', kind: 'graphql', url: 'http://b', lookups: [{ type: 'T', field: 'f', keys: 'id' }] },
        ],
      }).sort(),
      ['server.prot', 'servr', 'subgraphs[0].timout', 'subgraphs[1].lookups[0].keys', 'upstream.retries'],
    );
  });

  it('takes `dedup` per subgraph, of every kind, and rejects a mode it does not know', () => {
    const config = resolveConfig(
      {
        subgraphs: [
          { ...federation('a'), dedup: 'operation' },
          { ...federation('b'), dedup: 'off' },
        ],
      },
      { env: {} },
    );
    assert.deepEqual(
      config.subgraphs.map((s) => s.dedup),
      ['operation', 'off'],
    );
    assert.deepEqual(pathsOf({ subgraphs: [{ ...federation('a'), dedup: 'always' }] }), [
      'subgraphs[0].dedup',
    ]);
  });

  it('suggests the key an unknown key is a misspelling of', () => {
    const checked = checkConfig({ server: { prot: 1 }, subgraphs: [federation('a')] }, { env: {} });
    assert.ok(checked.problems);
    assert.match(checked.problems[0]?.message ?? '', /"port"/);
  });

  it('reports every problem at once, cross-field rules included', () => {
    const paths = pathsOf({
      server: { port: 'x', host: 1 },
      upstream: { connections: 0, requestTimeout: 3_000_000_000 },
      supergraph: 'super.graphql',
      subgraphs: [
        federation('a', 'not a url'),
        federation('a'),
        { name: 'b', kind: 'grpc', url: 'http://b' },
        { name: 'c', url: 'http://c' },
        { name: 'd', kind: 'rest', url: 'ftp://d', schemaFile: 'd.graphql' },
        { name: 'e', kind: 'rest', url: 'http://e' },
        { name: '9f', kind: 'federation', url: 'http://f' },
      ],
    });
    assert.deepEqual(paths.sort(), [
      'server.host',
      'server.port',
      'subgraphs[0].url',
      'subgraphs[1].name',
      'subgraphs[2].kind',
      'subgraphs[3].kind',
      'subgraphs[4].url',
      'subgraphs[5].schemaFile',
      'subgraphs[6].name',
      'upstream.connections',
      'upstream.requestTimeout',
    ]);
  });

  it('rejects a wrong or missing kind', () => {
    assert.deepEqual(pathsOf({ subgraphs: [{ name: 'a', kind: 'soap', url: 'http://a' }] }), [
      'subgraphs[0].kind',
    ]);
    assert.deepEqual(pathsOf({ subgraphs: [{ name: 'a', url: 'http://a' }] }), ['subgraphs[0].kind']);
  });

  it('rejects duplicate names, naming the later entries', () => {
    assert.deepEqual(
      pathsOf({ subgraphs: [federation('a'), federation('b'), federation('a'), federation('a')] }),
      ['subgraphs[2].name', 'subgraphs[3].name'],
    );
  });

  it('accepts only http and https URLs', () => {
    for (const url of ['not a url', 'ftp://host/graphql', 'file:///etc/passwd', '127.0.0.1:4001']) {
      assert.deepEqual(pathsOf({ subgraphs: [federation('a', url)] }), ['subgraphs[0].url'], url);
    }
    assert.equal(
      checkConfig({ subgraphs: [federation('a', 'https://a.example/graphql')] }).problems,
      undefined,
    );
  });

  it('wants `supergraph`, `subgraphs` or both', () => {
    assert.equal(
      checkConfig({ supergraph: 's.graphql', subgraphs: [federation('a')] }, { env: {} }).problems,
      undefined,
    );
    assert.deepEqual(pathsOf({}), ['subgraphs']);
    assert.equal(checkConfig({ supergraph: 's.graphql' }, { env: {} }).problems, undefined);
  });

  it('rejects a first retry delay longer than the longest', () => {
    assert.deepEqual(
      pathsOf({ loading: { retryInitialDelay: 5_000, retryMaxDelay: 1_000 }, supergraph: 's' }),
      ['loading.retryInitialDelay'],
    );
    assert.deepEqual(pathsOf({ loading: { retryInitialDelay: 60_000 }, supergraph: 's' }), [
      'loading.retryInitialDelay',
    ]);
  });

  it('rejects subgraph headers the HTTP client sets itself or cannot send', () => {
    const headers = {
      Connection: 'close',
      'content-length': '1',
      'bad name': 'x',
      'x-ok': 'a\nb',
      'x-api-key': 'k',
    };
    assert.deepEqual(pathsOf({ subgraphs: [{ ...federation('a'), headers }] }).sort(), [
      'subgraphs[0].headers.Connection',
      'subgraphs[0].headers.bad name',
      'subgraphs[0].headers.content-length',
      'subgraphs[0].headers.x-ok',
    ]);
  });

  it('rejects a config that is not an object', () => {
    for (const input of [null, [], 'x', 42]) assert.deepEqual(pathsOf(input), ['(root)']);
  });

  it('throws CONFIG_INVALID listing every problem as "path: what to change"', () => {
    assert.throws(
      () =>
        resolveConfig(
          { server: { port: -1 }, subgraphs: [federation('a', 'x')] },
          { env: {}, source: 'c.yaml' },
        ),
      (error) => {
        assert.ok(error instanceof GatehouseError);
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.equal(error.problems.length, 2);
        assert.ok(error.problems.some((p) => p.startsWith('server.port: ')));
        assert.ok(error.problems.some((p) => p.startsWith('subgraphs[0].url: ')));
        return true;
      },
    );
  });

  it('resolves relative paths against baseDir and leaves absolute ones', () => {
    const config = resolveConfig(
      {
        subgraphs: [
          { ...federation('a'), schemaFile: 'sdl/a.graphql' },
          { ...federation('b'), schemaFile: '/abs/b.graphql' },
          { name: 'c', kind: 'rest', url: 'http://c', openapi: '../c.yaml' },
        ],
      },
      { baseDir: '/etc/gatehouse', env: {} },
    );
    assert.equal(config.subgraphs[0]?.schemaFile, '/etc/gatehouse/sdl/a.graphql');
    assert.equal(config.subgraphs[1]?.schemaFile, '/abs/b.graphql');
    const rest = config.subgraphs[2];
    assert.equal(rest?.kind === 'rest' ? rest.openapi : undefined, '/etc/c.yaml');
    assert.equal(
      resolveConfig({ supergraph: 's.graphql' }, { baseDir: '/srv', env: {} }).supergraph,
      '/srv/s.graphql',
    );
  });

  it('accepts its own output (a resolved config checks again to the same)', () => {
    const config = resolveConfig({ subgraphs: [federation('a')] }, { env: {} });
    assert.deepEqual(resolveConfig(structuredClone(config), { env: {} }), config);
  });
});
