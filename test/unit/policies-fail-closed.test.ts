/**
 * Field policies fail closed: an operation on a schema the room has not indexed is refused (not
 * run unfiltered), and a field with requirements the rewrite meets unjudged is refused (not
 * allowed by default).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, type ExecutionArgs, type ExecutionResult, parse, print } from 'graphql';
import type { Identity } from '../../core/identity.ts';
import type { Logger } from '../../gateway/logger/index.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import type { PolicyIndex } from '../../gateway/policies/build-index.ts';
import { createDecider } from '../../gateway/policies/decide.ts';
import { createFieldPolicies } from '../../gateway/policies/index.ts';
import type { Requirement } from '../../gateway/policies/requirements.ts';

const schema = buildSchema('type Query { me: User } type User { id: ID email: String name: String }');
const authenticated: Requirement[] = [{ kind: 'authenticated' }];

describe('field policies fail closed', () => {
  it('an operation on a schema the room has not indexed is refused (INTERNAL_SERVER_ERROR, logged)', () => {
    const logged: string[] = [];
    const logger: Logger = { ...silentLogger, error: (message) => void logged.push(message) };
    const policies = createFieldPolicies({ logger });
    // Never given to `prepare`: as if a room had swapped the schema in service for another.
    const args: ExecutionArgs = {
      schema,
      document: parse('{ me { email } }'),
      contextValue: { request: new Request('http://gateway/graphql') },
    };
    let stopped: ExecutionResult | undefined;
    const onExecute = policies.plugin.onExecute as (payload: unknown) => unknown;
    onExecute({ args, setResultAndStopExecution: (result: ExecutionResult) => (stopped = result) });
    assert.deepEqual(
      stopped?.errors?.map((e) => e.extensions.code),
      ['INTERNAL_SERVER_ERROR'],
    );
    assert.equal(stopped?.data, undefined);
    assert.equal(logged.length, 1);
  });

  it('a field with requirements the checks missed is refused, not allowed', async () => {
    const fields = new Map<string, readonly Requirement[]>([['User.email', authenticated]]);
    const index: PolicyIndex = { fields };
    const decider = createDecider(schema, index);
    const document = parse('{ me { id email name } }');
    const noPolicy = () => assert.fail('no named policy');
    const caller = { subject: 'u1', scopes: new Set<string>(), claims: {} } as unknown as Identity;
    // The document's checks ([User.email]) are found and kept; the caller may see it all.
    assert.equal(await decider.decide(document, undefined, caller, noPolicy, () => undefined), undefined);
    // A requirement the checks do not list stands for a coordinate the check walk missed.
    fields.set('User.name', authenticated);
    const decided = await decider.decide(document, undefined, undefined, noPolicy, () => undefined);
    assert.ok(decided !== undefined && 'rewrite' in decided);
    const second = decided.rewrite;
    assert.equal(print(second.document), print(parse('{ me { id } }')));
    assert.deepEqual(
      second.root.children.get('me')?.node.removals.map((r) => [r.key, r.code]),
      [
        ['email', 'UNAUTHENTICATED'],
        ['name', 'UNAUTHENTICATED'],
      ],
    );
  });
});
