import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { subgraphUrlEnvName } from '../../gateway/config/env.ts';
import { loadConfig, readConfigFile } from '../../gateway/config/index.ts';
import { ACCOUNTS_DEFAULT_PORT } from '../../subgraphs/demo/accounts/server.ts';
import { CATALOGUE_DEFAULT_PORT } from '../../subgraphs/demo/catalogue/server.ts';
import { type Demo, startDemo } from '../../subgraphs/demo/index.ts';
import { REVIEWS_DEFAULT_PORT } from '../../subgraphs/demo/reviews/server.ts';
import { startTestGateway } from '../helpers/gateway.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const YAML = `${EXAMPLES}gatehouse.config.yaml`;
const TS = `${EXAMPLES}gatehouse.config.ts`;

describe('the example config files', () => {
  let demo: Demo;
  before(async () => {
    demo = await startDemo();
  });
  after(async () => {
    await demo?.close();
  });

  it('are valid, say the same thing, and point at the demo backends’ default ports', async () => {
    const yaml = await loadConfig(YAML, {});
    const ts = await loadConfig(TS, {});
    const { $schema, ...sameAsTs } = yaml;
    assert.ok($schema);
    assert.deepEqual(ts, sameAsTs);
    assert.deepEqual(
      yaml.subgraphs.map((s) => [s.name, s.kind, Number(new URL(s.url).port)]),
      [
        ['catalogue', 'rest', CATALOGUE_DEFAULT_PORT],
        ['accounts', 'graphql', ACCOUNTS_DEFAULT_PORT],
        ['reviews', 'federation', REVIEWS_DEFAULT_PORT],
      ],
    );
  });

  for (const file of [YAML, TS]) {
    it(`${file.slice(EXAMPLES.length)} serves its example query from the demo backends`, async () => {
      const input = (await readConfigFile(file)) as { server: Record<string, unknown> };
      // The backends run on free ports here: the URLs are overridden as an operator would.
      const env = Object.fromEntries(
        Object.entries(demo.servers).map(([name, server]) => [subgraphUrlEnvName(name), server.url]),
      );
      const gateway = await startTestGateway(
        { ...input, server: { ...input.server, port: 0 } },
        { baseDir: EXAMPLES, env },
      );
      try {
        const query = gateway.supergraph.status();
        assert.ok(query.subgraphs.every((s) => s.loaded));
        const { body } = await gateway.query<{
          listBooks: Array<{ reviews: Array<{ author: { name: string } }> }>;
        }>(String(input.server.exampleQuery));
        assert.equal(body.errors, undefined);
        assert.equal(body.data?.listBooks[0]?.reviews[0]?.author.name, 'Ada Okafor');
      } finally {
        await gateway.close();
      }
    });
  }
});
