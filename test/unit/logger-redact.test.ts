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

  it('reads hostile strings in linear time (a run of eyJ, of schemes, of query separators)', () => {
    const redactor = createRedactor();
    // A JWT right after a path separator or a quote is still masked.
    assert.equal(redactor.text(`/p/${JWT}`), '/p/[REDACTED JWT]');
    for (const hostile of [
      'eyJ'.repeat(50_000),
      `${'eyJ'.repeat(30_000)}.eyJ`,
      'Bearer '.repeat(20_000),
      `${'a://x'.repeat(20_000)}`,
      `?token=${'&'.repeat(100_000)}`,
    ]) {
      const start = performance.now();
      redactor.text(hostile);
      // Generous (a shared machine): the quadratic pattern took seconds on these.
      assert.ok(performance.now() - start < 500, hostile.slice(0, 20));
    }
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
  it('masks the userinfo of URLs in strings', () => {
    const redactor = createRedactor();
    assert.equal(
      redactor.text('calling https://user:hunter2@subgraph.internal/graphql'),
      'calling https://***@subgraph.internal/graphql',
    );
    assert.equal(redactor.text('redis://:redispass@redis:6379/0'), 'redis://***@redis:6379/0');
    const out = redactor.details({ url: 'postgres://app:pw@db/x', plain: 'mail a@b.c at http://host/x' });
    assert.deepEqual(out, { url: 'postgres://***@db/x', plain: 'mail a@b.c at http://host/x' });
  });

  it('masks the values of credential query parameters, and only those', () => {
    const redactor = createRedactor();
    const names = ['token', 'access_token', 'id_token', 'refresh_token', 'api_key', 'apikey', 'key'];
    for (const name of [...names, 'sig', 'signature', 'password', 'secret', 'code', 'Access_Token'])
      assert.equal(
        redactor.text(`GET /x?page=2&${name}=opaque-1&b=3`),
        `GET /x?page=2&${name}=${REDACTED}&b=3`,
        name,
      );
    assert.equal(
      redactor.text('https://h/cb?state=s;code=abc#frag'),
      `https://h/cb?state=s;code=${REDACTED}#frag`,
    );
    assert.equal(redactor.text('?monkey=1&keys=2&a=token=3'), '?monkey=1&keys=2&a=token=3');
  });

  it('redacts the value after a credential header name in arrays (raw headers, tuples)', () => {
    const out = createRedactor(['x-tenant']).details({
      rawHeaders: ['Host', 'h', 'Cookie', 'sid=abc', 'X-Api-Key', 'k-1', 'x-tenant', 't', 'Accept', '*/*'],
      tuples: [
        ['cookie', 'sid=abc'],
        ['accept', 'x'],
      ],
    });
    assert.deepEqual(out, {
      rawHeaders: [
        'Host',
        'h',
        'Cookie',
        REDACTED,
        'X-Api-Key',
        REDACTED,
        'x-tenant',
        REDACTED,
        'Accept',
        '*/*',
      ],
      tuples: [
        ['cookie', REDACTED],
        ['accept', 'x'],
      ],
    });
  });

  it('redacts keys naming sessions, private keys and credentials', () => {
    const keys = [
      'sessionId',
      'session',
      'session_id',
      'privateKey',
      'private_key',
      'clientSecret',
      'credentials',
    ];
    const out = createRedactor().details(Object.fromEntries([...keys, 'sessions'].map((k) => [k, 'v'])));
    for (const key of keys) assert.equal(out[key], REDACTED, key);
    assert.equal(out.sessions, 'v');
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
