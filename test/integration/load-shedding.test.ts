/**
 * Load shedding, black box through a gateway listening on loopback with a small fixed
 * concurrency limit over a subgraph whose `held` field answers only when the test lets it (so
 * requests stay in flight as long as the test needs, with no timing). Asserted by structure:
 * which requests were shed (503, `Retry-After`, GATEWAY_OVERLOADED), never by milliseconds,
 * except one generous comparison. Also: critical requests are never shed, health checks never
 * pass the room, and a slot comes back when the client leaves or a later room throws.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GatehouseError } from '../../core/errors.ts';
import { hashApiKey } from '../../gateway/auth/index.ts';
import { type GatehouseConfigInput, resolveConfig } from '../../gateway/config/index.ts';
import { createLoadShedding } from '../../gateway/load-shedding/index.ts';
import { createLogger, type Logger, silentLogger } from '../../gateway/logger/index.ts';
import { type Room, roomsHookingPath } from '../../gateway/room.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const ENTERPRISE_KEY = 'enterprise-key-0123456789';
const LOW = { 'graphql-client-name': 'batch-exporter' };

/** `held` waits while the hold is on; `release` lets every waiting call (and later ones) answer. */
let holding = false;
const waiting: Array<() => void> = [];
let arrivals = 0;
const hold = () => {
  holding = true;
};
const release = () => {
  holding = false;
  for (const resume of waiting.splice(0)) resume();
};

let slow: RunningServer;
before(async () => {
  slow = await serveGraphQL({
    schema: apolloSubgraph(`${fed2('@key')} type Query { held: String fast: String }`, {
      Query: {
        held: async () => {
          arrivals++;
          if (holding) await new Promise<void>((resume) => waiting.push(resume));
          return 'done';
        },
        fast: () => 'fast',
      },
    }),
  });
});
after(async () => {
  release();
  await slow?.close();
});

const loadShedding = (limit: number) => ({
  enabled: true,
  limit,
  rules: [
    { class: 'critical', operationName: ['Checkout'] },
    { class: 'low', clientName: ['batch-exporter'] },
    { class: 'high', operationName: ['Dashboard'] },
    { class: 'high', claim: { plan: ['enterprise'] } },
  ],
});

async function listening(
  config: Omit<GatehouseConfigInput, 'subgraphs'>,
  options: { rooms?: Room[]; logger?: Logger } = {},
) {
  const gateway = await startTestGateway(
    {
      ...config,
      auth: { apiKeys: { keys: [{ id: 'big-co', sha256: hashApiKey(ENTERPRISE_KEY), plan: 'enterprise' }] } },
      subgraphs: [{ name: 'slow', kind: 'federation', url: slow.url, dedup: 'off' }],
    },
    options,
  );
  return { gateway, url: (await gateway.listen()).url };
}

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] };
}

async function post(
  url: string,
  query: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query }),
    signal,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** Waits (polling) until `done()`; fails after `ms`. */
async function until(done: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;

function assertShed(answer: Answer): void {
  assert.equal(answer.status, 503);
  assert.equal(codeOf(answer), 'GATEWAY_OVERLOADED');
  assert.equal(answer.headers.get('retry-after'), '1');
  assert.equal(answer.body.data, undefined);
}

describe('load shedding', () => {
  for (const fastPath of [true, false]) {
    describe(fastPath ? 'JSON fast path' : "Yoga's path", () => {
      let gateway: TestGateway;
      let url: string;
      const warnings: string[] = [];
      before(async () => {
        const logger = createLogger({ level: 'warn', write: (line) => void warnings.push(line) });
        ({ gateway, url } = await listening(
          { server: { fastPath }, loadShedding: loadShedding(24) },
          { logger },
        ));
      });
      after(async () => {
        release();
        await gateway?.close();
      });

      it('sheds low-priority requests first; high and critical ones all succeed', async () => {
        hold();
        arrivals = 0;
        // 40 at once: 28 low, 8 high (4 by operation name, 4 by the API key's plan), 4 critical.
        // With a limit of 24, low may fill 12 (50%): whatever the order, at most 12 low + 8 high
        // + 4 critical (which count too) are in flight, so no high is shed, and 16 low or more are.
        const kinds = Array.from({ length: 40 }, (_, i) =>
          i % 10 === 1 || i % 10 === 6 ? 'high' : i % 10 === 3 ? 'critical' : 'low',
        );
        let answered = 0;
        const requests = kinds.map((kind, i) => {
          const sent =
            kind === 'low'
              ? post(url, 'query Report { held }', LOW)
              : kind === 'critical'
                ? post(url, 'query Checkout { held }', LOW)
                : i % 2 === 0
                  ? post(url, 'query Dashboard { held }')
                  : post(url, 'query Report { held }', { 'x-api-key': ENTERPRISE_KEY });
          return sent.finally(() => answered++);
        });
        // Every request is in flight (held at the subgraph) or already shed: then let them go.
        await until(() => arrivals + answered === 40, 'every request admitted or shed');
        release();
        const answers = await Promise.all(requests);

        const of = (kind: string) => answers.filter((_, i) => kinds[i] === kind);
        for (const answer of [...of('high'), ...of('critical')]) {
          assert.equal(answer.status, 200, answers.map((a, i) => `${kinds[i]}:${a.status}`).join(' '));
          assert.deepEqual(answer.body.data, { held: 'done' });
        }
        const lowShed = of('low').filter((a) => a.status === 503);
        const lowServed = of('low').filter((a) => a.status === 200);
        assert.ok(lowShed.length >= 16, `${lowShed.length} low requests shed`);
        assert.ok(lowServed.length <= 12, `${lowServed.length} low requests served`);
        assert.equal(lowShed.length + lowServed.length, 28);
        for (const answer of lowShed) assertShed(answer);
        // Throttled: far fewer warnings than shed requests.
        const shedLines = warnings.filter((line) => line.includes('load shedding'));
        assert.ok(shedLines.length >= 1 && shedLines.length < lowShed.length, `${shedLines.length} warnings`);
      });

      it('serves high-priority requests while low ones fill their share, at about their usual latency', async () => {
        const timed = async () => {
          const start = performance.now();
          const answer = await post(url, 'query Dashboard { fast }');
          assert.equal(answer.status, 200);
          return performance.now() - start;
        };
        let idle = 0;
        for (let i = 0; i < 5; i++) idle = Math.max(idle, await timed());
        hold();
        arrivals = 0;
        const lows = Array.from({ length: 18 }, () => post(url, 'query Report { held }', LOW));
        await until(() => arrivals === 12, 'the low share filled');
        let loaded = 0;
        for (let i = 0; i < 5; i++) loaded = Math.max(loaded, await timed());
        // Structure first: they were all served while 12 low requests held the gateway. The
        // latency bound is generous (a noisy machine), only to catch a high request queued.
        assert.ok(loaded < idle * 20 + 1_000, `high latency ${loaded} ms under load, ${idle} ms idle`);
        release();
        const answers = await Promise.all(lows);
        assert.equal(answers.filter((a) => a.status === 200).length, 12);
        for (const answer of answers.filter((a) => a.status !== 200)) assertShed(answer);
      });

      it('never sheds critical requests, even over the whole limit', async () => {
        hold();
        arrivals = 0;
        const highs = Array.from({ length: 24 }, () => post(url, 'query Dashboard { held }'));
        await until(() => arrivals === 24, 'the limit filled by high requests');
        assertShed(await post(url, 'query Dashboard { fast }'));
        for (let i = 0; i < 5; i++) {
          const critical = await post(url, 'query Checkout { fast }', LOW);
          assert.equal(critical.status, 200);
        }
        // Health and readiness are answered before the room: never shed, never counted.
        assert.equal((await fetch(new URL('/healthz', url))).status, 200);
        assert.equal((await fetch(new URL('/readyz', url))).status, 200);
        release();
        for (const answer of await Promise.all(highs)) assert.equal(answer.status, 200);
      });

      it('gives every slot back once answers are done', async () => {
        hold();
        arrivals = 0;
        const lows = Array.from({ length: 12 }, () => post(url, 'query Report { held }', LOW));
        await until(() => arrivals === 12, 'the whole low share admitted again');
        release();
        for (const answer of await Promise.all(lows)) assert.equal(answer.status, 200);
      });
    });
  }
});

describe('load shedding slots', () => {
  // A room after load shedding whose `onParams` throws when asked: the request fails past it.
  const exploding: Room = {
    name: 'exploding',
    plugin: {
      onParams({ request }) {
        if (request.headers.get('x-explode') !== null) throw new Error('a bug in a later room');
      },
    },
  };

  for (const fastPath of [true, false]) {
    it(`frees the slot of a client gone and of a request a later room throws on (${fastPath ? 'fast path' : 'Yoga'})`, async () => {
      const { gateway, url } = await listening(
        { server: { fastPath }, loadShedding: loadShedding(1) },
        { rooms: [exploding] },
      );
      try {
        hold();
        arrivals = 0;
        const leaving = new AbortController();
        const gone = post(url, 'query Dashboard { held }', {}, leaving.signal).catch(
          (error: unknown) => error,
        );
        await until(() => arrivals === 1, 'the one slot taken');
        assertShed(await post(url, 'query Dashboard { fast }'));
        leaving.abort();
        assert.ok((await gone) instanceof Error);
        // The client's leaving closes its response: the slot comes back (the subgraph still holds).
        let answer = await post(url, 'query Dashboard { fast }');
        for (let i = 0; answer.status === 503 && i < 200; i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          answer = await post(url, 'query Dashboard { fast }');
        }
        assert.equal(answer.status, 200, 'the slot of the client gone came back');
        for (let i = 0; i < 3; i++) {
          const failed = await post(url, 'query Dashboard { fast }', { 'x-explode': '1' });
          assert.equal(codeOf(failed), 'INTERNAL_SERVER_ERROR');
        }
        assert.equal((await post(url, 'query Dashboard { fast }')).status, 200, 'no slot leaked');
      } finally {
        release();
        await gateway.close();
      }
    });
  }

  it('is off by default and keeps the JSON fast path on when on', () => {
    const config = resolveConfig(
      { subgraphs: [{ name: 'a', kind: 'federation', url: slow.url }] },
      { env: {} },
    );
    assert.equal(createLoadShedding(config.loadShedding, { logger: silentLogger }), undefined);
    const room = createLoadShedding({ ...config.loadShedding, enabled: true }, { logger: silentLogger });
    assert.ok(room);
    assert.deepEqual(roomsHookingPath([room], '/graphql'), []);
  });

  it('gives the slot back with the result in process (yoga.fetch, no socket)', async () => {
    const gateway = await startTestGateway({
      loadShedding: loadShedding(1),
      subgraphs: [{ name: 'slow', kind: 'federation', url: slow.url }],
    });
    try {
      for (let i = 0; i < 5; i++) {
        const answer = await gateway.query('query Dashboard { fast }');
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
      }
    } finally {
      await gateway.close();
    }
  });

  it('gives the slot back in process when no result comes (Yoga refuses the parameters)', async () => {
    const gateway = await startTestGateway({
      loadShedding: loadShedding(1),
      subgraphs: [{ name: 'slow', kind: 'federation', url: slow.url }],
    });
    try {
      for (let i = 0; i < 3; i++) {
        const refused = await gateway.yoga.fetch('http://gateway/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ fast }', variables: 'not-an-object' }),
        });
        assert.equal(refused.status, 400);
      }
      const answer = await gateway.query('query Dashboard { fast }');
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    } finally {
      await gateway.close();
    }
  });

  it('refuses a bad loadShedding config with CONFIG_INVALID naming the path', async () => {
    await assert.rejects(
      listening({ loadShedding: { enabled: true, rules: [{ class: 'urgent', operationName: ['X'] }] } }),
      (error) => {
        assert.ok(error instanceof GatehouseError);
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.ok(error.problems.some((p) => p.startsWith('loadShedding.rules[0].class: ')));
        return true;
      },
    );
  });
});
