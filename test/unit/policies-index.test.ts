/**
 * The policy index built from a composed supergraph and the config: what each field requires,
 * and every form the gateway could not enforce reported as a problem (never skipped); a reload
 * with such a schema keeps the one in service.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'graphql';
import type { SubgraphPoliciesConfig } from '../../gateway/config/policies-schema.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import { buildPolicyIndex } from '../../gateway/policies/build-index.ts';
import { createFieldPolicies } from '../../gateway/policies/index.ts';
import { createSchemaInService } from '../../gateway/supergraph/in-service.ts';
import { composeSubgraphs } from '../../schema/compose.ts';
import { buildGatewaySchema } from '../../schema/supergraph.ts';

const users = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated", "@requiresScopes", "@policy"])
  type Query { me: User @authenticated items: [Item!]! level: Level }
  type User @key(fields: "id") { id: ID! email: String @requiresScopes(scopes: [["read:email"], ["admin"]]) }
  interface Item { id: ID! secret: String }
  type A implements Item { id: ID! secret: String @policy(policies: [["staff"]]) }
  type B implements Item { id: ID! secret: String }
  enum Level @authenticated { LOW HIGH }`;
const billing = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type User @key(fields: "id") { id: ID! balance: Int }`;

function supergraph(): string {
  const result = composeSubgraphs([
    { name: 'users', typeDefs: parse(users), url: 'http://users.invalid' },
    { name: 'billing', typeDefs: parse(billing), url: 'http://billing.invalid' },
  ]);
  assert.ok(result.supergraphSdl, JSON.stringify(result.problems));
  return result.supergraphSdl;
}

const schemaOf = (sdl: string) => buildGatewaySchema(sdl, () => async () => ({ data: null }));

function build(
  sdl: string,
  subgraphPolicies: Record<string, SubgraphPoliciesConfig> = {},
  names = ['staff'],
) {
  return buildPolicyIndex({
    supergraphSdl: sdl,
    schema: schemaOf(sdl),
    subgraphPolicies: new Map(Object.entries(subgraphPolicies)),
    policyNames: new Set(names),
  });
}

describe('policy index', () => {
  it('reads the applied directives of the supergraph, per object type', () => {
    const { index, problems } = build(supergraph());
    assert.deepEqual(problems, []);
    assert.deepEqual(index.fields.get('Query.me'), [{ kind: 'authenticated' }]);
    assert.deepEqual(index.fields.get('User.email'), [
      { kind: 'scopes', anyOf: [['read:email'], ['admin']] },
    ]);
    assert.deepEqual(index.fields.get('A.secret'), [{ kind: 'policy', anyOf: [['staff']] }]);
    // Composition derives the interface field's requirement: B is judged on its own.
    assert.equal(index.fields.has('B.secret'), false);
    // A type's requirement holds for every field returning it.
    assert.deepEqual(index.fields.get('Query.level'), [{ kind: 'authenticated' }]);
    assert.equal(index.fields.has('Query.items'), false);
  });

  it('reports a requirement on an interface that no implementation carries (a hand-written supergraph)', () => {
    // The composed supergraph, edited as an older composition or a person could write it.
    const sdl = supergraph()
      .replace(/(interface Item[^{]*\{[^}]*secret: String)/, '$1 @authenticated')
      .replace(/secret: String @policy\(policies: \[\["staff"\]\]\)/, 'secret: String');
    assert.match(sdl, /secret: String @authenticated/);
    const { problems } = build(sdl);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /^Item\.secret:/);
  });

  it('adds the config, checked against the subgraph that resolves each coordinate', () => {
    const sdl = supergraph();
    const { index, problems } = build(sdl, {
      billing: { 'User.balance': { requiresScopes: [['billing']] } },
      users: { 'Item.id': { authenticated: true } },
      // Not in this supergraph (not loaded yet): nothing of it to protect.
      absent: { 'Nope.nope': { authenticated: true } },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(index.fields.get('User.balance'), [{ kind: 'scopes', anyOf: [['billing']] }]);
    // An interface field in the config: every implementation.
    assert.deepEqual(index.fields.get('A.id'), [{ kind: 'authenticated' }]);
    assert.deepEqual(index.fields.get('B.id'), [{ kind: 'authenticated' }]);

    const wrong = build(sdl, {
      billing: {
        'User.email': { authenticated: true },
        'User.nope': { authenticated: true },
        Ghost: { authenticated: true },
        Level: { authenticated: true },
      },
    });
    assert.equal(wrong.problems.length, 4, wrong.problems.join('\n'));
    for (const coordinate of ['User.email', 'User.nope', 'Ghost', 'Level']) {
      assert.ok(wrong.problems.some((p) => p.includes(`["${coordinate}"]`)));
    }
  });

  it('reports every form it cannot enforce', () => {
    const sdl = supergraph();
    const cases: Array<[string, string]> = [
      ['an unknown version', sdl.replace('authenticated/v0.1', 'authenticated/v0.2')],
      [
        'an unknown security feature',
        sdl.replace(
          'schema @link(',
          'schema @link(url: "https://specs.apollo.dev/future/v1.0", for: SECURITY) @link(',
        ),
      ],
      [
        'a malformed argument',
        sdl.replace('@requiresScopes(scopes: [["read:email"], ["admin"]])', '@requiresScopes(scopes: [])'),
      ],
      ['an argument', sdl.replace('me: User', 'me(id: ID @authenticated): User')],
    ];
    for (const [what, text] of cases) {
      assert.ok(build(text).problems.length > 0, what);
    }
    // @inaccessible is a security feature the gateway enforces elsewhere (the public schema).
    const inaccessible = sdl.replace(
      'schema @link(',
      'schema @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY) @link(',
    );
    assert.deepEqual(build(inaccessible).problems, []);
    const unknownPolicy = build(sdl, {}, []);
    assert.deepEqual(unknownPolicy.problems.length, 1);
    assert.match(unknownPolicy.problems[0]!, /^A\.secret: /);
  });

  it('a reload with a schema whose policies cannot be enforced keeps the one in service', () => {
    const policies = createFieldPolicies({
      policies: { named: { staff: () => true } },
      logger: silentLogger,
    });
    const inService = createSchemaInService(silentLogger, policies.prepare);
    const executor = () => async () => ({ data: null });
    const good = supergraph();
    assert.deepEqual(inService.put(good, executor), { ok: true });
    const kept = inService.schema;
    const put = inService.put(good.replaceAll('"staff"', '"ghost"'), executor);
    assert.equal(put.ok, false);
    assert.equal(inService.schema, kept);
    // Not a startup failure: a schema is in service.
    policies.checkStarted(true);
  });
});
