import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatehouseError } from '../../core/errors.ts';
import type { UpstreamClient } from '../../gateway/http/index.ts';
import { buildRestSubgraph } from '../../schema/rest/index.ts';

const client: UpstreamClient = {
  request: () => Promise.reject(new Error('no call is made while loading')),
  close: () => Promise.resolve(),
};

function problemsOf(sdl: string): readonly string[] {
  try {
    buildRestSubgraph({
      sdl,
      source: 'test.graphql',
      target: { serviceName: 'shop', baseUrl: 'http://127.0.0.1:1/api', client, headers: {} },
    });
  } catch (error) {
    assert.ok(error instanceof GatehouseError);
    assert.equal(error.code, 'SUBGRAPH_LOAD_FAILED');
    return error.problems;
  }
  assert.fail('the SDL was accepted');
}

/** Asserts one problem, about `where`. */
function assertProblemAt(sdl: string, where: string) {
  const problems = problemsOf(sdl);
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.ok(problems[0]!.startsWith(`${where}:`), problems[0]);
}

describe('REST SDL checks at load time', () => {
  it('accepts a sound mapping and strips it from the composed SDL', () => {
    const subgraph = buildRestSubgraph({
      sdl: 'type Query { a(id: ID!): String @rest(path: "/a/{args.id}", query: ["x={args.id}"]) }',
      source: 'test.graphql',
      target: { serviceName: 'shop', baseUrl: 'http://127.0.0.1:1', client, headers: {} },
    });
    assert.equal(subgraph.name, 'shop');
    const printed = JSON.stringify(subgraph.typeDefs);
    assert.ok(!printed.includes('"rest"'));
    assert.ok(printed.includes('https://specs.apollo.dev/federation/v2.3'));
  });

  it('rejects a template variable naming no argument', () => {
    assertProblemAt('type Query { a(id: ID!): String @rest(path: "/a/{args.idd}") }', 'Query.a');
  });

  it('rejects an unknown template scope', () => {
    assertProblemAt('type Query { a: String @rest(path: "/a/{context.user}") }', 'Query.a');
  });

  it('rejects {parent.x} on a root field and {key.x} in @rest', () => {
    assertProblemAt('type Query { a: String @rest(path: "/a/{parent.id}") }', 'Query.a');
    assertProblemAt('type T { id: ID b: String @rest(path: "/b/{key.id}") } type Query { t: T }', 'T.b');
  });

  it('rejects a missing path', () => {
    assertProblemAt('type Query { a: String @rest(method: GET) }', 'Query.a');
  });

  it('rejects directives in the wrong place', () => {
    assertProblemAt('type Query @rest(path: "/") { a: String }', 'Query');
    assertProblemAt('type Query { a: String @restLookup(path: "/x") }', 'Query.a');
    assertProblemAt('type Query { a(id: ID @map(from: "x")): String }', 'Query.a(id:)');
    assertProblemAt('interface Node { id: ID! @rest(path: "/n") } type Query { n: Node }', 'Node.id');
  });

  it('rejects unknown arguments and malformed entries', () => {
    assertProblemAt('type Query { a: String @rest(path: "/a", verb: "GET") }', 'Query.a');
    assertProblemAt('type Query { a(n: Int): String @rest(path: "/a", query: ["{args.n}"]) }', 'Query.a');
    assertProblemAt(
      'type Query { a(t: String): String @rest(path: "/a", headers: ["{args.t}"]) }',
      'Query.a',
    );
    assertProblemAt('type Query { a(i: Int): String @rest(path: "/a", body: "args.i") }', 'Query.a');
    assertProblemAt(
      'type Query { a(i: Int): String @rest(method: POST, path: "/a", body: "input") }',
      'Query.a',
    );
  });

  it('rejects lookups that do not match a @key', () => {
    assertProblemAt('type P @restLookup(path: "/p/{key.id}") { id: ID! } type Query { p: P }', 'P');
    assertProblemAt(
      'type P @key(fields: "id") @restLookup(key: "sku", path: "/p/{key.sku}") { id: ID! sku: ID } type Query { p: P }',
      'P',
    );
    assertProblemAt(
      'type P @key(fields: "id") @restLookup(path: "/p/{key.sku}") { id: ID! } type Query { p: P }',
      'P',
    );
    assertProblemAt(
      'type P @key(fields: "id") @restLookup(batchPath: "/p") { id: ID! } type Query { p: P }',
      'P',
    );
    assertProblemAt('type P @key(fields: "id") @restLookup { id: ID! } type Query { p: P }', 'P');
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(`
      type Query {
        a: String @rest(path: "/a/{args.x}")
        b: String @rest(path: "/b/{parent.y}")
      }
      type Mutation { c(i: Int): Int @rest(method: GET, path: "/c", body: "args.i") }
    `);
    assert.equal(problems.length, 3);
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      ['Query.a', 'Query.b', 'Mutation.c'],
    );
  });

  it('rejects SDL that does not parse or does not build', () => {
    assert.equal(problemsOf('type Query {').length, 1);
    assert.equal(problemsOf('type Query { a: Missing @rest(path: "/a") }').length, 1);
  });
});
