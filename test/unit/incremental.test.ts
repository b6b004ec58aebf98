/** `@defer` validation rules and the reading of `Accept` for streams. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphQLDeferDirective } from '@graphql-tools/utils';
import { buildSchema, GraphQLSchema, parse, validate } from 'graphql';
import { acceptsStream } from '../../gateway/incremental/accept.ts';
import {
  DeferInSubscriptionRule,
  DeferLabelRule,
  DeferOnRootFieldRule,
} from '../../gateway/incremental/rules.ts';

const base = buildSchema(
  'type Query { a: Int b: Int } type Mutation { m: Int } type Subscription { s: Int o: O } type O { x: Int y: Int }',
);
const schema = new GraphQLSchema({
  ...base.toConfig(),
  directives: [...base.getDirectives(), GraphQLDeferDirective],
});
const rules = [DeferOnRootFieldRule, DeferLabelRule, DeferInSubscriptionRule];
const errors = (query: string) => validate(schema, parse(query), rules).length;

describe('@defer validation', () => {
  it('accepts @defer in queries, with distinct literal labels', () => {
    assert.equal(errors('{ a ... @defer(label: "x") { b } ... @defer(label: "y") { a } }'), 0);
    assert.equal(errors('mutation { m } query Q { ... @defer { a } }'), 0);
  });
  it('refuses it on a mutation root, directly or through a fragment', () => {
    assert.equal(errors('mutation { ... @defer { m } }'), 1);
    assert.equal(errors('mutation { ...F @defer } fragment F on Mutation { m }'), 1);
  });
  it('refuses it anywhere in a subscription unless if: false', () => {
    assert.equal(errors('subscription { o { ...F } } fragment F on O { x ... @defer { y } }'), 1);
    assert.equal(errors('subscription { o { ... @defer(if: false) { x } } }'), 0);
  });
  it('refuses a label used twice or given by a variable', () => {
    assert.equal(errors('{ ... @defer(label: "x") { a } ... @defer(label: "x") { b } }'), 1);
    assert.equal(errors('query ($l: String) { ... @defer(label: $l) { a } }'), 1);
  });
});

describe('acceptsStream', () => {
  it('reads media ranges and their q', () => {
    assert.equal(acceptsStream('multipart/mixed'), true);
    assert.equal(acceptsStream('application/json, text/event-stream;q=0.5'), true);
    assert.equal(acceptsStream('Multipart/Mixed; deferSpec=20220824'), true);
    assert.equal(acceptsStream('multipart/mixed;q=0, application/json'), false);
    assert.equal(acceptsStream('application/graphql-response+json'), false);
    assert.equal(acceptsStream(undefined), false);
  });
});
