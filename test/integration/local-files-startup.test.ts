/**
 * Local schema files that no retry can fix stop the gateway at startup: `start()` rejects with
 * CONFIG_INVALID naming the file (the CLI then exits 1, see cli-startup.test.ts). The same SDL
 * served by a running subgraph is retried instead.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildSchema } from 'graphql';
import { GatehouseError } from '../../core/errors.ts';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { startTestGateway } from '../helpers/gateway.ts';

const API = 'http://127.0.0.1:9/api';

const OPENAPI_MISSING_REF = JSON.stringify({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: {
    '/t': {
      get: {
        operationId: 'thing',
        responses: {
          '200': {
            description: 'ok',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Missing' } } },
          },
        },
      },
    },
  },
  components: { schemas: {} },
});

describe('local schema files that cannot be used', () => {
  let dir: string;
  const file = (name: string, text?: string) => {
    const path = join(dir, name);
    if (text !== undefined) writeFileSync(path, text);
    return path;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-local-files-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: Array<
    [string, () => { path: string; subgraph: NonNullable<GatehouseConfigInput['subgraphs']>[number] }]
  > = [
    [
      'a federation schemaFile that does not exist',
      () => {
        const path = file('missing.graphql');
        return { path, subgraph: { name: 'fed', kind: 'federation', url: API, schemaFile: path } };
      },
    ],
    [
      'a federation schemaFile that does not parse',
      () => {
        const path = file('fed.graphql', 'type Query {');
        return { path, subgraph: { name: 'fed', kind: 'federation', url: API, schemaFile: path } };
      },
    ],
    [
      'a REST schemaFile that does not exist',
      () => {
        const path = file('missing-rest.graphql');
        return { path, subgraph: { name: 'shop', kind: 'rest', url: API, schemaFile: path } };
      },
    ],
    [
      'a REST schemaFile whose mapping does not build',
      () => {
        const path = file('rest.graphql', 'type Query { thing: String @rest(path: "/t", method: NOPE) }');
        return { path, subgraph: { name: 'shop', kind: 'rest', url: API, schemaFile: path } };
      },
    ],
    [
      'an OpenAPI file with a $ref to a missing schema',
      () => {
        const path = file('api.json', OPENAPI_MISSING_REF);
        return { path, subgraph: { name: 'shop', kind: 'rest', url: API, openapi: path } };
      },
    ],
    [
      'an OpenAPI file that does not exist',
      () => {
        const path = file('missing.yaml');
        return { path, subgraph: { name: 'shop', kind: 'rest', url: API, openapi: path } };
      },
    ],
  ];
  for (const [what, make] of cases) {
    it(`${what}: start() rejects with CONFIG_INVALID naming the file`, async () => {
      const { path, subgraph } = make();
      await assert.rejects(startTestGateway({ subgraphs: [subgraph] }), (error: unknown) => {
        assert.ok(error instanceof GatehouseError, String(error));
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.ok(error.message.includes(path), error.message);
        return true;
      });
    });
  }

  it('several unusable files: one CONFIG_INVALID names every one of them', async () => {
    const first = file('missing-a.graphql');
    const second = file('missing-b.graphql');
    const subgraphs: NonNullable<GatehouseConfigInput['subgraphs']> = [
      { name: 'a', kind: 'federation', url: API, schemaFile: first },
      { name: 'b', kind: 'rest', url: API, schemaFile: second },
    ];
    await assert.rejects(startTestGateway({ subgraphs }), (error: unknown) => {
      assert.ok(error instanceof GatehouseError, String(error));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.equal(error.problems.length, 2);
      assert.ok(error.message.includes(first) && error.message.includes(second), error.message);
      return true;
    });
  });

  it('the same bad SDL from a running federation subgraph is retried, not a startup error', async () => {
    // A plain GraphQL server whose `_service { sdl }` does not parse.
    const schema = buildSchema('type Service { sdl: String } type Query { _service: Service }');
    schema.getQueryType()!.getFields()._service!.resolve = () => ({ sdl: 'type Query {' });
    const server = await serveGraphQL({ schema });
    try {
      const gateway = await startTestGateway({
        subgraphs: [{ name: 'fed', kind: 'federation', url: server.url }],
      });
      try {
        const status = gateway.supergraph.status().subgraphs[0]!;
        assert.equal(status.loaded, false);
        assert.match(status.error ?? '', /does not parse/);
      } finally {
        await gateway.close();
      }
    } finally {
      await server.close();
    }
  });
});
