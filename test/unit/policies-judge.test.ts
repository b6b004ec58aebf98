/**
 * Judging one coordinate for one caller: all requirements must hold, within one the outer list is
 * OR and the inner AND. Without a named policy answering by promise, the verdict is known at once
 * (`judgeNow` returns it, no promise); every named policy is consulted either way, and one that
 * rejects rejects the verdict (the decision fails, never allows).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Identity } from '../../core/identity.ts';
import { judge, judgeNow, type PolicyCheck, type Requirement } from '../../gateway/policies/requirements.ts';

const caller = { scopes: new Set(['read']), claims: {} } as unknown as Identity;
const scopes = (...anyOf: string[][]): Requirement => ({ kind: 'scopes', anyOf });
const policy = (...anyOf: string[][]): Requirement => ({ kind: 'policy', anyOf });
const noPolicy: PolicyCheck = () => assert.fail('no named policy');

describe('judging requirements', () => {
  it('scopes and authentication are judged at once, without a promise', () => {
    const authenticated: Requirement = { kind: 'authenticated' };
    assert.equal(judgeNow([authenticated, scopes(['write'], ['read'])], caller, 'T.f', noPolicy), 'allowed');
    assert.equal(judgeNow([authenticated, scopes(['read', 'write'])], caller, 'T.f', noPolicy), 'FORBIDDEN');
    assert.equal(judgeNow([authenticated], undefined, 'T.f', noPolicy), 'UNAUTHENTICATED');
  });

  it('named policies answering at once stay synchronous; every one is consulted', () => {
    const asked: string[] = [];
    const check: PolicyCheck = (name) => {
      asked.push(name);
      return name !== 'no';
    };
    assert.equal(judgeNow([policy(['no', 'a'], ['b'])], caller, 'T.f', check), 'allowed');
    assert.deepEqual(asked, ['no', 'a', 'b']);
    assert.equal(judgeNow([policy(['no'], ['a', 'no'])], caller, 'T.f', check), 'FORBIDDEN');
  });

  it('named policies answering by promise: the verdict waits for them', async () => {
    const check: PolicyCheck = async (name) => name === 'yes';
    const verdict = judgeNow([policy(['no'], ['yes']), scopes(['read'])], caller, 'T.f', check);
    assert.ok(verdict instanceof Promise);
    assert.equal(await verdict, 'allowed');
    assert.equal(await judge([policy(['yes', 'no'])], caller, 'T.f', check), 'FORBIDDEN');
    assert.equal(await judge([policy(['yes']), scopes(['write'])], caller, 'T.f', check), 'FORBIDDEN');
  });

  it('only true holds, and a policy that rejects rejects the verdict', async () => {
    const odd = (() => 1) as unknown as PolicyCheck;
    assert.equal(await judge([policy(['x'])], caller, 'T.f', async (...args) => odd(...args)), 'FORBIDDEN');
    const failing: PolicyCheck = async () => {
      throw new Error('down');
    };
    await assert.rejects(judge([policy(['x'], ['y'])], caller, 'T.f', failing));
    const throwing: PolicyCheck = () => {
      throw new Error('down');
    };
    await assert.rejects(judge([policy(['x'])], caller, 'T.f', throwing));
  });
});
