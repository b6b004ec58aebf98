/**
 * Production mode (`NODE_ENV=production` or `server.production: true`): introspection, field
 * suggestions and GraphiQL default to off; in development they default to on; each key overrides
 * the mode. Introspection is refused (INTROSPECTION_DISABLED, 400) on both engines, in process
 * and through the JSON fast path over a socket, however it is spelled; `__typename` is answered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { type ReviewGraph, startReviewGraph } from '../helpers/review-graph.ts';

const INTROSPECTION = [
  '{ __schema { queryType { name } } }',
  '{ __type(name: "User") { name } }',
  '{ hello __schema { types { name } } }',
  '{ ...F } fragment F on Query { __schema { queryType { name } } }',
];

interface Body {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

describe('production mode', () => {
  let graph: ReviewGraph;
  const gateways: TestGateway[] = [];
  before(async () => {
    graph = await startReviewGraph();
  });
  after(async () => {
    for (const g of gateways) await g.close();
    await graph?.close();
  });

  /** A gateway listening on loopback, and a POST over its socket (the fast path). */
  const start = async (options: {
    engine: 'plan' | 'stitching';
    env?: NodeJS.ProcessEnv;
    server?: object;
  }) => {
    const gateway = await startTestGateway(
      {
        engine: options.engine,
        server: options.server,
        subgraphs: [{ name: 'reviews', kind: 'federation', url: graph.url }],
      },
      { env: options.env },
    );
    gateways.push(gateway);
    const { url } = await gateway.listen();
    const overSocket = async (query: string, variables?: Record<string, unknown>) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as Body };
    };
    const graphiql = async () =>
      (await fetch(url, { headers: { accept: 'text/html' } })).headers.get('content-type') ?? '';
    return { gateway, overSocket, graphiql };
  };

  /** A variable of an enum type with a near miss: graphql-js suggests the value when it coerces it. */
  const sendVariables = (
    send: (query: string, variables?: Record<string, unknown>) => Promise<{ status: number; body: Body }>,
    is: string,
  ) => send('query Q($is: Mood) { mood(is: $is) }', { is });

  const suggests = (body: Body) => body.errors?.some((e) => e.message.includes('Did you mean')) ?? false;

  for (const engine of ['plan', 'stitching'] as const) {
    for (const [mode, env, server] of [
      ['NODE_ENV=production', { NODE_ENV: 'production' }, {}],
      ['server.production', {}, { production: true }],
    ] as const) {
      it(`${engine}, ${mode}: no introspection, no suggestions, no GraphiQL`, async () => {
        const { gateway, overSocket, graphiql } = await start({ engine, env, server });
        for (const send of [gateway.query.bind(gateway), overSocket]) {
          for (const query of INTROSPECTION) {
            const { status, body } = await send(query);
            assert.equal(status, 400, query);
            assert.equal(body.errors?.[0]?.extensions?.code, 'INTROSPECTION_DISABLED', query);
            assert.equal(body.data, undefined);
          }
          const typename = await send('{ __typename me { __typename id } }');
          assert.equal(typename.status, 200);
          assert.equal(typename.body.errors, undefined);
          const typo = await send('{ helo me { nme } }');
          assert.equal(typo.status, 400);
          assert.equal(typo.body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
          assert.equal(suggests(typo.body), false);
          const value = await sendVariables(send, 'HAPPI');
          assert.equal(value.status, 400);
          assert.equal(value.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
          assert.equal(suggests(value.body), false);
        }
        assert.ok(!(await graphiql()).includes('text/html'));
      });
    }

    it(`${engine}, development: introspection, suggestions and GraphiQL`, async () => {
      const { gateway, overSocket, graphiql } = await start({ engine });
      for (const send of [gateway.query.bind(gateway), overSocket]) {
        for (const query of INTROSPECTION) {
          const { status, body } = await send(query);
          assert.equal(status, 200, query);
          assert.equal(body.errors, undefined, query);
        }
        const typo = await send('{ helo me { nme } }');
        assert.equal(typo.status, 400);
        assert.equal(suggests(typo.body), true);
        assert.equal(suggests((await sendVariables(send, 'HAPPI')).body), true);
      }
      assert.ok((await graphiql()).includes('text/html'));
    });
  }

  it('each key overrides the mode', async () => {
    const open = await start({
      engine: 'plan',
      env: { NODE_ENV: 'production' },
      server: { introspection: true, fieldSuggestions: true, graphiql: true },
    });
    assert.equal((await open.overSocket(INTROSPECTION[0]!)).status, 200);
    assert.equal(suggests((await open.overSocket('{ helo }')).body), true);
    assert.ok((await open.graphiql()).includes('text/html'));

    const closed = await start({
      engine: 'plan',
      server: { production: false, introspection: false, fieldSuggestions: false, graphiql: false },
    });
    const refused = await closed.overSocket(INTROSPECTION[0]!);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors?.[0]?.extensions?.code, 'INTROSPECTION_DISABLED');
    assert.equal(suggests((await closed.overSocket('{ helo }')).body), false);
    assert.ok(!(await closed.graphiql()).includes('text/html'));
  });
});
