/**
 * One misbehaving subgraph next to a healthy one: the client gets the healthy part, null where the
 * broken subgraph answers, an error with a catalogue code (or the subgraph's own code) and the
 * service name, nothing internal, and the gateway keeps answering.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  assertNothingInternal,
  type HealthySubgraph,
  PRODUCTS,
  startHealthySubgraph,
  waitFor,
  writeBrokenSdl,
} from '../helpers/fault-graph.ts';
import {
  type Fault,
  type FaultServer,
  SUBGRAPH_ERROR_CODE,
  startFaultServer,
} from '../helpers/fault-servers.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const CASES: Array<{ fault: Fault; code: string }> = [
  { fault: 'down', code: 'SUBGRAPH_UNAVAILABLE' },
  { fault: 'slow', code: 'GATEWAY_TIMEOUT' },
  { fault: 'html-500', code: 'SUBGRAPH_BAD_RESPONSE' },
  { fault: 'not-json', code: 'SUBGRAPH_BAD_RESPONSE' },
  { fault: 'not-graphql', code: 'SUBGRAPH_BAD_RESPONSE' },
  { fault: 'reset', code: 'SUBGRAPH_UNAVAILABLE' },
  // A subgraph's own error code is passed through.
  { fault: 'graphql-errors', code: SUBGRAPH_ERROR_CODE },
  // Without a code of its own, a subgraph error gets SUBGRAPH_ERROR.
  { fault: 'graphql-errors-no-data', code: 'SUBGRAPH_ERROR' },
];

describe('a faulty subgraph next to a healthy one', () => {
  let healthy: HealthySubgraph;
  let sdl: Awaited<ReturnType<typeof writeBrokenSdl>>;
  before(async () => {
    healthy = await startHealthySubgraph();
    sdl = await writeBrokenSdl();
  });
  after(async () => {
    await healthy?.close();
    await sdl?.remove();
  });

  for (const { fault, code } of CASES) {
    describe(fault, () => {
      let broken: FaultServer;
      let gateway: TestGateway;
      before(async () => {
        broken = await startFaultServer(fault);
        gateway = await startTestGateway({
          upstream: { requestTimeout: 300 },
          subgraphs: [
            { name: 'healthy', kind: 'federation', url: healthy.url },
            { name: 'broken', kind: 'federation', url: broken.url, schemaFile: sdl.file },
          ],
        });
        // On a busy machine the healthy subgraph's schema may take longer than the 300 ms
        // timeout to load: it is then retried, and the cases wait for it.
        await waitFor(
          () => gateway.supergraph.status().subgraphs.some((s) => s.name === 'healthy' && s.inService),
          'the healthy subgraph in service',
        );
      });
      after(async () => {
        await gateway?.close();
        await broken?.close();
      });

      it(`a root field: partial data and ${code}`, async () => {
        const { status, body } = await gateway.query('{ hello broken }');
        assert.equal(status, 200, JSON.stringify(body));
        assert.deepEqual(body.data, { hello: 'world', broken: null });
        assert.equal(body.errors?.length, 1);
        assert.deepEqual(body.errors[0]?.path, ['broken']);
        assert.equal(body.errors[0]?.extensions?.code, code);
        assert.equal(body.errors[0]?.extensions?.serviceName, 'broken');
        assertNothingInternal(body);
      });

      // Every root field failing is no reason for `data: null`: each nullable one is null at
      // its error, as graphql-js would answer.
      it(`the only root field: data with it null, and ${code}`, async () => {
        const { status, body } = await gateway.query('{ broken }');
        assert.equal(status, 200);
        assert.deepEqual(body.data, { broken: null });
        assert.deepEqual(body.errors?.[0]?.path, ['broken']);
        assert.equal(body.errors?.[0]?.extensions?.code, code);
      });

      it(`entity fields: partial data and ${code}`, async () => {
        const { status, body } = await gateway.query('{ products { id name price } }');
        assert.equal(status, 200, JSON.stringify(body));
        assert.deepEqual(body.data, { products: PRODUCTS.map((p) => ({ ...p, price: null })) });
        // One error for all the entities (identical errors are collapsed), with each client path.
        assert.equal(body.errors?.length, 1);
        assert.deepEqual(
          ((body.errors[0]?.extensions?.paths ?? []) as unknown[]).map((p) => JSON.stringify(p)).sort(),
          PRODUCTS.map((_, i) => JSON.stringify(['products', i, 'price'])),
        );
        for (const error of body.errors ?? []) {
          assert.equal(error.extensions?.code, code);
          assert.equal(error.extensions?.serviceName, 'broken');
        }
        assertNothingInternal(body);
      });

      it('the next request is served in full', async () => {
        const { status, body } = await gateway.query('{ hello products { name } }');
        assert.equal(status, 200);
        assert.equal(body.errors, undefined);
        assert.deepEqual(body.data, { hello: 'world', products: [{ name: 'chair' }, { name: 'table' }] });
      });
    });
  }
});
