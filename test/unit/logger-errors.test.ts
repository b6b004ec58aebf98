/** Errors in log details: a program error keeps its stack, a system error (a socket's) does not. */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { createLogger } from '../../gateway/logger/index.ts';

function logged(details: Record<string, unknown>): Record<string, { stack?: string; code?: string }> {
  const lines: string[] = [];
  createLogger({ level: 'info', write: (line) => lines.push(line) }).warn('x', details);
  const json = (lines[0] ?? '').slice((lines[0] ?? '').indexOf('{'));
  return JSON.parse(json) as Record<string, { stack?: string; code?: string }>;
}

/** A real ECONNREFUSED: a connection to a closed loopback port. */
function refused(): Promise<Error> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 9 });
    socket.on('error', resolve);
  });
}

describe('errors in log details', () => {
  it('a system error is logged with its code and message, without a stack', async () => {
    const error = await refused();
    const { cause } = logged({ cause: error });
    assert.equal(cause?.code, 'ECONNREFUSED');
    assert.equal(cause?.stack, undefined);
  });

  it('any other error keeps its stack', () => {
    const { error } = logged({ error: new TypeError('a bug') });
    assert.match(error?.stack ?? '', /TypeError: a bug\n\s+at /);
  });
});
