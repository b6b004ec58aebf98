import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema } from 'graphql';
import { GatehouseError } from '../../core/errors.ts';
import type { LookupConfig } from '../../gateway/config/index.ts';
import { LOOKUP_DIRECTIVE_SDL } from '../../schema/directives/lookup.ts';
import { isScalarKey, parseKey, pickKey, printKey } from '../../schema/graphql-service/key.ts';
import { configLookups, directiveLookups, resolveLookups } from '../../schema/graphql-service/lookups.ts';
import { ACCOUNTS_SDL } from '../integration/graphql-service.fixtures.ts';

const schema = buildSchema(ACCOUNTS_SDL);
const lookup = (l: Partial<LookupConfig> & Pick<LookupConfig, 'type' | 'field'>): LookupConfig => ({
  key: 'id',
  argument: 'id',
  batch: false,
  ...l,
});

/** The problems `resolveLookups` reports for `lookups`; fails when it does not throw SUBGRAPH_LOAD_FAILED. */
function problemsOf(lookups: LookupConfig[]): readonly string[] {
  try {
    resolveLookups('accounts', schema, configLookups(lookups));
  } catch (error) {
    assert.ok(error instanceof GatehouseError);
    assert.equal(error.code, 'SUBGRAPH_LOAD_FAILED');
    return error.problems;
  }
  assert.fail('the lookups were accepted');
}

describe('graphql-service lookups', () => {
  it('resolves valid lookups: single keys in batch, compound keys through an input object', () => {
    const resolved = resolveLookups(
      'accounts',
      schema,
      configLookups([
        lookup({ type: 'User', field: 'usersByIds', argument: 'ids', batch: true }),
        lookup({ type: 'Membership', key: 'userId   orgId', field: 'membership', argument: 'key' }),
      ]),
    );
    assert.deepEqual(
      resolved.map((r) => [r.type, r.key, r.field, r.argument, r.batch]),
      [
        ['User', 'id', 'usersByIds', 'ids', true],
        ['Membership', 'userId orgId', 'membership', 'key', false],
      ],
    );
  });

  const cases: Array<[string, LookupConfig]> = [
    ['an unknown type', lookup({ type: 'Usr', field: 'user' })],
    ['a type that is not an object type', lookup({ type: 'Node', field: 'node' })],
    ['a key that does not parse', lookup({ type: 'User', key: 'id {', field: 'user' })],
    ['a key field the type does not have', lookup({ type: 'User', key: 'uid', field: 'user' })],
    ['an object key field without a selection', lookup({ type: 'User', key: 'org', field: 'user' })],
    ['an unknown query field', lookup({ type: 'User', field: 'userById' })],
    ['a field returning another type', lookup({ type: 'Org', field: 'user' })],
    ['batch on a field returning one object', lookup({ type: 'User', field: 'user', batch: true })],
    ['no batch on a field returning a list', lookup({ type: 'User', field: 'usersByIds', argument: 'ids' })],
    ['an unknown argument', lookup({ type: 'User', field: 'usersByIds', argument: 'userIds', batch: true })],
    ['a compound key on a scalar argument', lookup({ type: 'User', key: 'id name', field: 'user' })],
    [
      'a key field the input object lacks',
      lookup({ type: 'Membership', key: 'userId title', field: 'membership', argument: 'key' }),
    ],
    ['another required argument', lookup({ type: 'User', field: 'userInOrg' })],
  ];
  for (const [name, bad] of cases) {
    it(`rejects ${name}, naming the lookup`, () => {
      const problems = problemsOf([bad]);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.ok(problems[0]?.startsWith('lookups[0] '), problems[0]);
    });
  }

  it('reports every problem of every lookup together, and two lookups for one type', () => {
    const problems = problemsOf([
      lookup({ type: 'User', field: 'user' }),
      lookup({ type: 'User', field: 'usersByIds', argument: 'ids', batch: true }),
      lookup({ type: 'Usr', field: 'user' }),
    ]);
    assert.deepEqual(
      problems.map((p) => p.split(' ')[0]),
      ['lookups[1]', 'lookups[2]'],
    );
  });

  it('reads @lookup on query fields, inferring the type, the argument and batch', () => {
    const withDirective = buildSchema(
      `${LOOKUP_DIRECTIVE_SDL}
      ${ACCOUNTS_SDL.replace(
        'usersByIds(ids: [ID!]!): [User]!',
        'usersByIds(ids: [ID!]!): [User]! @lookup',
      ).replace(
        'membership(key: MembershipKey!): Membership',
        'membership(key: MembershipKey!): Membership @lookup(key: "userId orgId")',
      )}`,
    );
    const declarations = directiveLookups(withDirective);
    assert.deepEqual(
      declarations.map(({ type, key, field, argument, batch }) => ({ type, key, field, argument, batch })),
      [
        { type: 'User', key: 'id', field: 'usersByIds', argument: 'ids', batch: true },
        { type: 'Membership', key: 'userId orgId', field: 'membership', argument: 'key', batch: false },
      ],
    );
    assert.equal(resolveLookups('accounts', withDirective, declarations).length, 2);
  });

  it('finds no @lookup in an introspected schema', () => {
    assert.deepEqual(directiveLookups(schema), []);
  });
});

describe('graphql-service keys', () => {
  it('parses, prints and picks single, compound and nested keys', () => {
    const single = parseKey('id');
    const compound = parseKey('id orgId');
    const nested = parseKey('org { id } id');
    assert.ok(Array.isArray(single) && Array.isArray(compound) && Array.isArray(nested));
    assert.equal(isScalarKey(single), true);
    assert.equal(isScalarKey(compound), false);
    assert.equal(printKey(nested), 'org { id } id');
    const representation = { __typename: 'User', id: '1', orgId: 'o1', org: { id: 'o1', name: 'x' } };
    assert.equal(pickKey(representation, single), '1');
    assert.deepEqual(pickKey(representation, compound), { id: '1', orgId: 'o1' });
    assert.deepEqual(pickKey(representation, nested), { org: { id: 'o1' }, id: '1' });
    assert.equal(pickKey({ __typename: 'User' }, single), undefined);
    assert.equal(pickKey({ id: '1' }, compound), undefined);
  });

  it('rejects keys with aliases, arguments or fragments', () => {
    for (const key of ['a: id', 'id(x: 1)', '... on User { id }', '']) {
      assert.equal(typeof parseKey(key), 'string', key);
    }
  });
});
