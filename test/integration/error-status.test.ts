/**
 * The response status comes from the error catalogue (`ErrorCodes[code].status`): an operation
 * whose only result is a gateway error raised before execution answers that status, whatever the
 * client accepts; an operation with data (even partial) answers 200.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes, gatewayError } from '../../core/errors.ts';
import type { Room } from '../../gateway/room.ts';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

/** A room that refuses operations sent with `x-refuse`, before execution, with a catalogue error. */
const refuseWithHeader: Room = {
  name: 'refuse',
  plugin: {
    onExecute({ args, setResultAndStopExecution }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (request?.headers.get('x-refuse') === null) return;
      setResultAndStopExecution({ errors: [gatewayError('SUBGRAPH_NOT_LOADED', 'refused')] });
    },
  },
};

describe('response status from the error catalogue', () => {
  let subgraph: RunningServer;
  let gateway: TestGateway;
  before(async () => {
    subgraph = await serveGraphQL({
      schema: buildSubgraphSchema({
        typeDefs: 'type Query { double(n: Int!): Int! broken: Int }',
        resolvers: {
          Query: {
            double: (_: never, args: { n: number }) => args.n * 2,
            broken: () => {
              throw new Error('no');
            },
          },
        },
      }),
    });
    gateway = await startTestGateway(
      { subgraphs: [{ name: 'maths', kind: 'federation', url: subgraph.url }] },
      { rooms: [refuseWithHeader] },
    );
  });
  after(async () => {
    await gateway?.close();
    await subgraph?.close();
  });

  it('answers BAD_USER_INPUT with its status to a client that accepts application/json', async () => {
    const { status, body } = await gateway.query(
      'query ($n: Int!) { double(n: $n) }',
      { n: 'x' },
      {
        accept: 'application/json',
      },
    );
    assert.deepEqual(
      body.errors?.map((e) => e.extensions?.code),
      ['BAD_USER_INPUT'],
    );
    assert.equal(status, ErrorCodes.BAD_USER_INPUT.status);
  });

  it('answers the status of a gateway error a room raised before execution', async () => {
    const { status, body } = await gateway.query('{ double(n: 2) }', undefined, { 'x-refuse': '1' });
    assert.deepEqual(
      body.errors?.map((e) => e.extensions?.code),
      ['SUBGRAPH_NOT_LOADED'],
    );
    assert.equal(status, ErrorCodes.SUBGRAPH_NOT_LOADED.status);
  });

  it('answers 200 when there is data, even with subgraph errors', async () => {
    const { status, body } = await gateway.query('{ double(n: 2) broken }', undefined, {
      accept: 'application/json',
    });
    assert.equal((body.data as { double: number }).double, 4);
    assert.equal(body.errors?.[0]?.extensions?.code, 'SUBGRAPH_ERROR');
    assert.equal(status, 200);
  });
});
