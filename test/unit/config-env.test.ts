/** Environment overrides: applied before the check, reported with the variable's name. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConfig, resolveConfig, subgraphUrlEnvName } from '../../gateway/config/index.ts';

const file = {
  server: { host: '127.0.0.1', port: 4000 },
  subgraphs: [
    { name: 'user-service', kind: 'federation', url: 'http://users:4001/graphql' },
    { name: 'reviews', kind: 'federation', url: 'http://reviews:4002/graphql' },
  ],
};

describe('environment overrides', () => {
  it('GATEHOUSE_HOST and GATEHOUSE_PORT override server.host and server.port', () => {
    const config = resolveConfig(file, { env: { GATEHOUSE_HOST: '0.0.0.0', GATEHOUSE_PORT: '8080' } });
    assert.equal(config.server.host, '0.0.0.0');
    assert.equal(config.server.port, 8080);
  });

  it('apply when the file has no server section', () => {
    const config = resolveConfig({ subgraphs: file.subgraphs }, { env: { GATEHOUSE_PORT: '0' } });
    assert.equal(config.server.port, 0);
  });

  it('a bad GATEHOUSE_PORT is a problem at server.port that names the variable', () => {
    for (const port of ['http', '70000', '-1', '80.5']) {
      const checked = checkConfig(file, { env: { GATEHOUSE_PORT: port } });
      assert.deepEqual(
        checked.problems?.map((p) => p.path),
        ['server.port'],
        port,
      );
      assert.ok(checked.problems?.[0]?.message.includes('GATEHOUSE_PORT'), checked.problems?.[0]?.message);
    }
  });

  it('GATEHOUSE_SUBGRAPH_<NAME>_URL overrides one subgraph URL (name upper-cased, - as _)', () => {
    assert.equal(subgraphUrlEnvName('user-service'), 'GATEHOUSE_SUBGRAPH_USER_SERVICE_URL');
    const config = resolveConfig(file, {
      env: { GATEHOUSE_SUBGRAPH_USER_SERVICE_URL: 'http://127.0.0.1:9001/graphql' },
    });
    assert.equal(config.subgraphs[0]?.url, 'http://127.0.0.1:9001/graphql');
    assert.equal(config.subgraphs[1]?.url, 'http://reviews:4002/graphql');
  });

  it('a bad subgraph URL from the environment names the variable', () => {
    const checked = checkConfig(file, { env: { GATEHOUSE_SUBGRAPH_REVIEWS_URL: 'reviews:4002' } });
    assert.deepEqual(
      checked.problems?.map((p) => p.path),
      ['subgraphs[1].url'],
    );
    assert.ok(checked.problems?.[0]?.message.includes('GATEHOUSE_SUBGRAPH_REVIEWS_URL'));
  });

  it('GATEHOUSE_SUPERGRAPH sets the supergraph file, relative to the working directory', () => {
    const config = resolveConfig(
      { server: { port: 1 } },
      { env: { GATEHOUSE_SUPERGRAPH: 'build/supergraph.graphql' }, cwd: '/work', baseDir: '/etc/gatehouse' },
    );
    assert.equal(config.supergraph, '/work/build/supergraph.graphql');
    assert.deepEqual(config.subgraphs, []);
  });

  it('GATEHOUSE_SUPERGRAPH beside subgraphs in the file: the file is served, the subgraphs kept', () => {
    const config = resolveConfig(file, { env: { GATEHOUSE_SUPERGRAPH: 's.graphql' }, cwd: '/work' });
    assert.equal(config.supergraph, '/work/s.graphql');
    assert.equal(config.subgraphs.length, file.subgraphs.length);
  });

  it('empty variables are ignored and the input is not changed', () => {
    const input = structuredClone(file);
    const config = resolveConfig(input, {
      env: { GATEHOUSE_PORT: '', GATEHOUSE_HOST: '', GATEHOUSE_SUPERGRAPH: '' },
    });
    assert.equal(config.server.port, 4000);
    resolveConfig(input, { env: { GATEHOUSE_PORT: '1', GATEHOUSE_SUBGRAPH_REVIEWS_URL: 'http://x' } });
    assert.deepEqual(input, file);
  });
});
