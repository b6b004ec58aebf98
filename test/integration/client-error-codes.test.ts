/**
 * Every error a client can get carries a code of the catalogue (`core/errors.ts`), with the
 * status the GraphQL-over-HTTP spec gives it, on the JSON fast path and on Yoga's path alike:
 * a document that does not parse or validate answers 400 to `application/graphql-response+json`
 * and 200 (the legacy status) to `application/json` or no `Accept`; a body that is not JSON is a
 * clean BAD_REQUEST, with nothing of the parser's own error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes } from '../../core/errors.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

/** A bad request of each kind: its body, its code, and its status for graphql-response+json and for application/json. */
const cases: Array<[string, string, string, number, number]> = [
  ['a document that does not parse', JSON.stringify({ query: '{ hello' }), 'GRAPHQL_PARSE_FAILED', 400, 200],
  [
    'a document that does not validate',
    JSON.stringify({ query: '{ nope }' }),
    'GRAPHQL_VALIDATION_FAILED',
    400,
    200,
  ],
  [
    'an unknown operation name',
    JSON.stringify({ query: 'query A { hello }', operationName: 'B' }),
    'OPERATION_RESOLUTION_FAILURE',
    400,
    400,
  ],
  ['a body that is not JSON', '{"query": ', 'BAD_REQUEST', 400, 400],
  [
    'a body too large',
    JSON.stringify({ query: `{ hello ${' '.repeat(2000)} }` }),
    'REQUEST_ENTITY_TOO_LARGE',
    413,
    413,
  ],
  [
    'a subscription',
    JSON.stringify({ query: 'subscription { hello }' }),
    'OPERATION_NOT_SUPPORTED',
    400,
    400,
  ],
  [
    'a variable of the wrong type',
    JSON.stringify({ query: 'query Q($n: Int!) { echo(n: $n) }', variables: { n: 'x' } }),
    'BAD_USER_INPUT',
    400,
    400,
  ],
];

describe('the codes and statuses of bad requests', () => {
  let subgraph: RunningServer;
  const gateways: TestGateway[] = [];
  before(async () => {
    subgraph = await serveGraphQL({
      schema: apolloSubgraph(`${fed2()} type Query { hello: String echo(n: Int!): Int }`, {
        Query: { hello: () => 'world', echo: (_: unknown, { n }: { n: number }) => n },
      }),
    });
  });
  after(async () => {
    for (const gateway of gateways) await gateway.close();
    await subgraph?.close();
  });

  for (const fastPath of [true, false]) {
    describe(fastPath ? 'on the JSON fast path' : "on Yoga's path", () => {
      let url: string;
      before(async () => {
        const gateway = await startTestGateway({
          server: { fastPath },
          limits: { maxRequestBodySize: 1000 },
          subgraphs: [{ name: 'hello', kind: 'federation', url: subgraph.url }],
        });
        gateways.push(gateway);
        url = (await gateway.listen()).url;
      });

      for (const [what, body, code, strictStatus, legacyStatus] of cases) {
        it(`${what}: ${code}, ${strictStatus} for graphql-response+json, ${legacyStatus} for json`, async () => {
          for (const [accept, status] of [
            [GRAPHQL_RESPONSE, strictStatus],
            ['application/json', legacyStatus],
            [undefined, legacyStatus],
          ] as const) {
            const response = await fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...(accept && { accept }) },
              body,
            });
            const answer = (await response.json()) as {
              errors?: Array<{ extensions?: Record<string, unknown> }>;
            };
            const label = `Accept: ${accept ?? 'none'}`;
            assert.equal(response.status, status, label);
            assert.ok(answer.errors?.length, label);
            for (const error of answer.errors ?? []) {
              assert.equal(error.extensions?.code, code, label);
              assert.ok(Object.hasOwn(ErrorCodes, code), `${code} is in the catalogue`);
              // Nothing of the failure beneath (the JSON parser's message) reaches the client.
              assert.equal(error.extensions?.originalError, undefined, label);
            }
          }
        });
      }
    });
  }
});
