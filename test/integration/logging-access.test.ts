/**
 * The access log and JSON logs of a gateway over real loopback subgraphs: one JSON line per
 * request, on the JSON fast path and Yoga's, with its request id, operation, status, duration and
 * subgraph calls; health checks at debug; and no credential anywhere in the output.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type GatehouseConfig, resolveConfig } from '../../gateway/config/index.ts';
import { createGateway, type Gateway } from '../../gateway/create-gateway.ts';
import { loggerOptions } from '../../gateway/logger/config.ts';
import { createLogger } from '../../gateway/logger/index.ts';
import { type JwksServer, rsaKey, signJwt, startJwksServer, type TestKey } from '../helpers/auth.ts';
import { type HealthySubgraph, startHealthySubgraph, writeBrokenSdl } from '../helpers/fault-graph.ts';
import { CLOSED_PORT } from '../helpers/fault-servers.ts';

interface Line {
  level: string;
  msg: string;
  time: string;
  [key: string]: unknown;
}

describe('access log (logging.format: json)', () => {
  let healthy: HealthySubgraph;
  let broken: Awaited<ReturnType<typeof writeBrokenSdl>>;
  let jwks: JwksServer;
  let key: TestKey;
  let gateway: Gateway;
  let url: string;
  let config: GatehouseConfig;
  const output: string[] = [];
  const lines = () =>
    output
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
  const requests = () => lines().filter((l) => l.msg === 'request');

  before(async () => {
    healthy = await startHealthySubgraph();
    broken = await writeBrokenSdl();
    key = await rsaKey('k1');
    jwks = await startJwksServer([key]);
    config = resolveConfig(
      {
        server: { port: 0 },
        subgraphs: [
          { name: 'healthy', kind: 'federation', url: healthy.url },
          {
            name: 'broken',
            kind: 'federation',
            url: `http://127.0.0.1:${CLOSED_PORT}/graphql`,
            schemaFile: broken.file,
          },
        ],
        auth: { jwt: { jwks: { url: jwks.url }, algorithms: ['RS256'] } },
        logging: { format: 'json', redact: ['user.email'] },
      },
      { env: {} },
    );
    const logger = createLogger({
      ...loggerOptions(config, {}),
      level: 'debug',
      write: (l) => output.push(l),
    });
    gateway = createGateway({ config, logger, env: {} });
    url = (await gateway.listen()).url;
  });
  after(async () => {
    if (process.env.O1_DEBUG) process.stderr.write(output.join(''));
    await gateway?.close();
    await jwks?.close();
    await healthy?.close();
    await broken?.remove();
  });

  const post = async (query: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    await response.arrayBuffer();
    return response;
  };

  /** The access-log line of the request whose answer carried `requestId` (written on close). */
  const lineOf = async (requestId: string | null): Promise<Line> => {
    for (let i = 0; i < 100; i++) {
      const found = requests().find((l) => l.requestId === requestId);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no access-log line for request ${requestId}:\n${output.join('')}`);
  };

  it('writes one line per request with its id, operation, status, duration and subgraph calls', async () => {
    const token = await signJwt(key, { sub: 'ada', email: 'ada@example.com' });
    const response = await post('query Hello { hello products { name } }', {
      authorization: `Bearer ${token}`,
      'x-request-id': 'req-hello-1',
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-request-id'), 'req-hello-1');
    const line = await lineOf('req-hello-1');
    assert.equal(line.level, 'info');
    assert.equal(line.method, 'POST');
    assert.equal(line.path, '/graphql');
    assert.equal(line.operationName, 'Hello');
    assert.equal(line.operationType, 'query');
    assert.equal(line.status, 200);
    assert.equal(typeof line.durationMs, 'number');
    assert.ok((line.durationMs as number) >= 0);
    assert.equal(line.subgraphCalls, 1);
    const calls = line.calls as { subgraph: string; ms: number; outcome: string }[];
    assert.deepEqual(
      calls.map((c) => [c.subgraph, c.outcome]),
      [['healthy', 'ok']],
    );
    assert.equal(typeof calls[0]!.ms, 'number');
    assert.match(String(line.clientAddress), /127\.0\.0\.1/);
    assert.ok(!Number.isNaN(Date.parse(line.time)));
  });

  it('gives a failed subgraph call its code, and a generated request id when none is sent', async () => {
    const response = await post('query Broken { broken }');
    const id = response.headers.get('x-request-id');
    assert.ok(id);
    const line = await lineOf(id);
    assert.equal(line.operationName, 'Broken');
    assert.deepEqual(
      (line.calls as { subgraph: string; outcome: string }[]).map((c) => [c.subgraph, c.outcome]),
      [['broken', 'SUBGRAPH_UNAVAILABLE']],
    );
  });

  it('logs requests through Yoga (a GET) and refused ones (401) the same way', async () => {
    const get = await fetch(`${url}?query=${encodeURIComponent('query ViaGet { hello }')}`, {
      headers: { accept: 'application/json', 'x-request-id': 'req-get-1' },
    });
    assert.equal(get.status, 200);
    await get.arrayBuffer();
    const viaGet = await lineOf('req-get-1');
    assert.equal(viaGet.method, 'GET');
    assert.equal(viaGet.path, '/graphql');
    assert.equal(viaGet.operationName, 'ViaGet');

    const forged = await signJwt(await rsaKey('k1'), { sub: 'mallory' });
    const refused = await post('query Sneaky { hello }', {
      authorization: `Bearer ${forged}`,
      'x-request-id': 'req-401-1',
    });
    assert.equal(refused.status, 401);
    const line = await lineOf('req-401-1');
    assert.equal(line.status, 401);
    assert.equal(line.operationName, 'Sneaky');
    assert.equal(line.operationType, undefined);
    assert.equal(line.subgraphCalls, undefined);
  });

  it('logs health checks at debug', async () => {
    const response = await fetch(`${new URL(url).origin}/healthz`, {
      headers: { 'x-request-id': 'req-health' },
    });
    await response.arrayBuffer();
    const line = await lineOf('req-health');
    assert.equal(line.level, 'debug');
    assert.equal(line.path, '/healthz');
  });

  it('never writes a credential: tokens, cookies, API keys, secrets are redacted everywhere', async () => {
    const token = await signJwt(key, { sub: 'grace' });
    await post('query Secret { hello }', {
      authorization: `Bearer ${token}`,
      cookie: 'session=s3cr3t-cookie',
      'x-request-id': 'req-secret',
    });
    await lineOf('req-secret');
    // What a room might log: headers, an error holding the token, nested secrets, a configured path.
    const logger = createLogger({
      ...loggerOptions(config, {}),
      level: 'debug',
      write: (l) => output.push(l),
    });
    logger.warn(`upstream refused Bearer ${token}`, {
      headers: { Authorization: `Bearer ${token}`, Cookie: 'session=s3cr3t-cookie', 'X-Api-Key': 'k-123456' },
      error: new Error(`bad token ${token}`),
      nested: { accessToken: 'at-secret-1', client_secret: 'cs-secret-1', password: 'pw-secret-1' },
      user: { email: 'ada@example.com', name: 'Ada' },
    });
    const all = output.join('');
    for (const secret of [
      token,
      token.split('.')[2]!,
      's3cr3t-cookie',
      'k-123456',
      'at-secret-1',
      'cs-secret-1',
      'pw-secret-1',
      'ada@example.com',
    ])
      assert.equal(all.includes(secret), false, `${secret} was logged`);
    // No JWT at all: neither those above nor the forged one of the 401.
    assert.doesNotMatch(all, /eyJ[\w-]*\.eyJ[\w-]*\./);
    const warned = lines().find((l) => l.msg.startsWith('upstream refused'))!;
    assert.equal((warned.user as { name: string }).name, 'Ada');
    assert.equal((warned.headers as Record<string, string>).Authorization, '[REDACTED]');
  });
});
