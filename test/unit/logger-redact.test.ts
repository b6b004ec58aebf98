/** Redaction of log details and messages (gateway/logger/redact.ts), and the logger's level and format. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../gateway/logger/index.ts';
import { createRedactor, REDACTED } from '../../gateway/logger/redact.ts';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';

describe('redaction', () => {
  it('redacts credential headers and secret-named keys at any depth, case and separators ignored', () => {
    const out = createRedactor().details({
      headers: {
        Authorization: 'Basic abc',
        'proxy-authorization': 'x',
        COOKIE: 'a=b',
        'set-cookie': ['c=d'],
      },
      list: [{ 'x-api-key': 'k' }, { refresh_token: 't' }],
      deep: { clientSecret: 's', Password: 'p', apiKey: 'a', api_key: 'b', tokens: 3, maxTokens: 4 },
    });
    assert.deepEqual(out, {
      headers: {
        Authorization: REDACTED,
        'proxy-authorization': REDACTED,
        COOKIE: REDACTED,
        'set-cookie': REDACTED,
      },
      list: [{ 'x-api-key': REDACTED }, { refresh_token: REDACTED }],
      deep: {
        clientSecret: REDACTED,
        Password: REDACTED,
        apiKey: REDACTED,
        api_key: REDACTED,
        tokens: 3,
        maxTokens: 4,
      },
    });
  });

  it('masks JWTs and Bearer/Basic credentials inside strings, and in errors', () => {
    const redactor = createRedactor();
    assert.equal(redactor.text(`got ${JWT} from x`), 'got [REDACTED JWT] from x');
    assert.equal(redactor.text('Authorization: Bearer opaque-123'), `Authorization: Bearer ${REDACTED}`);
    assert.equal(redactor.text('basic dXNlcjpwdw=='), `basic ${REDACTED}`);
    const { error } = redactor.details({ error: new Error(`bad ${JWT}`, { cause: new Error(JWT) }) }) as {
      error: { message: string; stack: string; cause: { message: string } };
    };
    assert.equal(error.message, 'bad [REDACTED JWT]');
    assert.ok(!error.stack.includes(JWT));
    assert.equal(error.cause.message, '[REDACTED JWT]');
  });

  it('redacts configured names anywhere and dotted paths from the root', () => {
    const out = createRedactor(['X-Tenant-Secret-Header', 'ssn', 'user.email']).details({
      'x-tenant-secret-header': 'v',
      person: { SSN: '1', email: 'kept@example.com' },
      user: { email: 'gone@example.com', name: 'Ada' },
    });
    assert.deepEqual(out, {
      'x-tenant-secret-header': REDACTED,
      person: { SSN: REDACTED, email: 'kept@example.com' },
      user: { email: REDACTED, name: 'Ada' },
    });
  });

  it('never throws on cycles or BigInts, and leaves the details given unchanged', () => {
    const cyclic: Record<string, unknown> = { n: 1n };
    cyclic.self = cyclic;
    const details = { cyclic, token: 't' };
    const out = createRedactor().details(details);
    assert.equal((out.cyclic as { n: string }).n, '1');
    assert.equal(details.token, 't');
    assert.doesNotThrow(() => JSON.stringify(out));
  });
});

describe('logger options', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, write: (line: string) => void lines.push(line) };
  };

  it('writes JSON lines with format json, the level as its name', () => {
    const { lines, write } = capture();
    createLogger({ format: 'json', level: 'info', write, env: {} }).info('hello', {
      a: 1,
      authorization: 'x',
    });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.level, 'info');
    assert.equal(line.msg, 'hello');
    assert.equal(line.a, 1);
    assert.equal(line.authorization, REDACTED);
    assert.equal(typeof line.time, 'string');
  });

  it('GATEHOUSE_LOG_LEVEL and GATEHOUSE_LOG_FORMAT win over the config; an explicit level over both', () => {
    const env = { GATEHOUSE_LOG_LEVEL: 'error', GATEHOUSE_LOG_FORMAT: 'json' };
    const { lines, write } = capture();
    const logger = createLogger({ defaultLevel: 'debug', format: 'pretty', write, env });
    logger.warn('dropped');
    logger.error('kept');
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0]!) as { msg: string }).msg, 'kept');
    assert.equal(logger.isLevelEnabled?.('warn'), false);

    const configOnly = capture();
    createLogger({ defaultLevel: 'warn', write: configOnly.write, env: {} }).info('dropped');
    assert.equal(configOnly.lines.length, 0);

    const explicit = capture();
    createLogger({ level: 'debug', write: explicit.write, env }).debug('kept');
    assert.equal(explicit.lines.length, 1);
  });
});
