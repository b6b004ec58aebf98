/**
 * One room, added once through `createGateway({ rooms })`, reaches every kind of backend: its
 * subgraph step sees the calls to a federation subgraph, a REST API and a plain GraphQL service
 * (with their kind: schema load or operation, kept when a step copies the request), and its HTTP
 * interceptor sees every HTTP call the gateway makes, with its kind (the federation SDL load, the introspection, the REST call, the GraphQL calls).
 * Real backends on loopback.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { type CallKind, callKind } from '../../core/subgraph-call.ts';
import type { Room } from '../../gateway/room.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import { type RestServer, startRestServer } from '../fixtures/rest/rest-server.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

describe('a room added once', () => {
  const calls: Array<[string, CallKind, string | undefined]> = [];
  const http: Array<[string, string, string, string]> = [];
  const recorder: Room = {
    name: 'recorder',
    subgraph:
      ({ name }) =>
      (next) =>
        function recordCall(request) {
          calls.push([name, callKind(request), request.operationName]);
          // A step that copies the request: the kind must survive the copy.
          return next({ ...request });
        },
    http: (next) =>
      function recordHttp(request) {
        http.push([
          request.serviceName,
          request.method ?? 'GET',
          new URL(request.url).pathname,
          request.kind ?? 'operation',
        ]);
        return next(request);
      },
  };
  let federation: RunningServer;
  let service: RunningServer;
  let api: RestServer;
  let dir: string;
  let gateway: TestGateway;

  before(async () => {
    federation = await serveGraphQL({
      schema: apolloSubgraph(`${fed2('@key')} type Query { hello: String }`, {
        Query: { hello: () => 'hi' },
      }),
    });
    service = await serveGraphQL({
      schema: makeExecutableSchema({
        typeDefs: 'type Query { greeting: String }',
        resolvers: { Query: { greeting: () => 'hello' } },
      }),
    });
    api = await startRestServer(() => ({ json: { pong: true } }));
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-rooms-'));
    const schemaFile = join(dir, 'ping.graphql');
    await writeFile(schemaFile, 'type Query { ping: Boolean @rest(path: "/ping", select: "pong") }');
    gateway = await startTestGateway(
      {
        subgraphs: [
          { kind: 'federation', name: 'fed', url: federation.url },
          { kind: 'rest', name: 'rest', url: api.url, schemaFile },
          { kind: 'graphql', name: 'plain', url: service.url },
        ],
      },
      { rooms: [recorder] },
    );
  });
  after(async () => {
    await gateway?.close();
    await Promise.all([federation?.close(), service?.close(), api?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sees the schema loads, then an operation call to each kind of backend', async () => {
    assert.deepEqual(calls.map(([name, kind]) => `${name} ${kind}`).sort(), [
      'fed schema-load',
      'plain schema-load',
    ]);
    calls.length = 0;
    const { body } = await gateway.query('{ hello ping greeting }');
    assert.deepEqual(body, { data: { hello: 'hi', ping: true, greeting: 'hello' } });
    assert.deepEqual(calls.map(([name, kind]) => `${name} ${kind}`).sort(), [
      'fed operation',
      'plain operation',
      'rest operation',
    ]);
  });

  it('sees every HTTP call of the pooled client, with its kind', () => {
    const seen = http.map(([service, method, path, kind]) => `${service} ${method} ${path} ${kind}`).sort();
    assert.deepEqual(seen, [
      'fed POST /graphql operation', // the operation
      'fed POST /graphql schema-load', // the SDL load
      'plain POST /graphql operation', // the operation, delegated to the service
      'plain POST /graphql schema-load', // the introspection
      `rest GET ${new URL(api.url).pathname.replace(/\/$/, '')}/ping operation`,
    ]);
  });
});
