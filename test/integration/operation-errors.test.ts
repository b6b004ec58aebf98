import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

describe('errors raised before execution starts', () => {
  let subgraph: RunningServer;
  let gateway: TestGateway;
  before(async () => {
    subgraph = await serveGraphQL({
      schema: buildSubgraphSchema({
        typeDefs: 'type Query { double(n: Int!): Int! }',
        resolvers: { Query: { double: (_: never, args: { n: number }) => args.n * 2 } },
      }),
    });
    gateway = await startTestGateway({
      subgraphs: [{ name: 'maths', kind: 'federation', url: subgraph.url }],
    });
  });
  after(async () => {
    await gateway?.close();
    await subgraph?.close();
  });

  it('gives a variable of the wrong type BAD_USER_INPUT and HTTP 400, without calling the subgraph', async () => {
    subgraph.resetRequests();
    const { status, body } = await gateway.query('query ($n: Int!) { double(n: $n) }', { n: 'two' });
    assert.equal(status, 400);
    assert.equal(body.data, undefined);
    assert.deepEqual(
      body.errors?.map((e) => e.extensions?.code),
      ['BAD_USER_INPUT'],
    );
    assert.equal(subgraph.requests(), 0);
  });

  it('gives a missing required variable BAD_USER_INPUT', async () => {
    const { status, body } = await gateway.query('query ($n: Int!) { double(n: $n) }');
    assert.equal(status, 400);
    assert.deepEqual(
      body.errors?.map((e) => e.extensions?.code),
      ['BAD_USER_INPUT'],
    );
  });

  it('leaves a valid operation untouched', async () => {
    const { status, body } = await gateway.query('query ($n: Int!) { double(n: $n) }', { n: 21 });
    assert.equal(status, 200);
    assert.deepEqual(body, { data: { double: 42 } });
  });
});
