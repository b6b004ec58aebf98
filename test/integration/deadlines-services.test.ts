/**
 * Deadlines of calls shared by dedup, for a plain GraphQL service (run in process, whose own
 * requests carry the subgraph call's signal): a caller with a short deadline leaves alone; the
 * call goes on for a caller that joined it.
 */
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { startTestGateway } from '../helpers/gateway.ts';

const opened: Array<{ close(): Promise<void> }> = [];
after(async () => {
  for (const thing of opened.reverse()) await thing.close();
});

it('a plain GraphQL service: a short deadline never cuts a call another caller shares', {
  timeout: 20_000,
}, async () => {
  const schema = makeExecutableSchema({
    typeDefs: 'type Query { hello: String }',
    resolvers: { Query: { hello: () => new Promise((resolve) => setTimeout(() => resolve('world'), 600)) } },
  });
  const service = await serveGraphQL({ schema });
  opened.push(service);
  const gateway = await startTestGateway({
    deadline: { timeout: 10_000 },
    subgraphs: [{ name: 'svc', kind: 'graphql', url: service.url }],
  });
  opened.push(gateway);
  service.resetRequests();
  const short = gateway.query('{ hello }', undefined, { 'x-request-timeout': '100' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const long = gateway.query('{ hello }');
  const [cut, answered] = await Promise.all([short, long]);
  assert.equal(cut.body.errors?.[0]?.extensions?.code, 'GATEWAY_TIMEOUT');
  assert.deepEqual(answered.body, { data: { hello: 'world' } });
  assert.equal(service.requests(), 1, 'one call, shared');
});
