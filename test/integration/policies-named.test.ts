/**
 * Named policies as TypeScript functions: the fields of one operation are judged concurrently (N
 * coordinates cost the slowest policy, not N of them), and a policy that never answers refuses
 * its field after `policies.timeout` (logged) instead of holding the operation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { type Logger, silentLogger } from '../../gateway/logger/index.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { as, type PolicyCase, startPolicyCase } from '../helpers/policies.ts';

const hrSchema = makeExecutableSchema({
  typeDefs:
    'type Query { motd: String person: Person } type Person { id: ID name: String salary: Int ssn: String }',
  resolvers: {
    Query: { motd: () => 'welcome', person: () => ({ id: '1', name: 'Ada', salary: 10, ssn: '111' }) },
  },
});

const COORDINATES = ['Query.motd', 'Person.id', 'Person.name', 'Person.salary'];
let inFlight = 0;
let mostInFlight = 0;
let release: () => void = () => {};
let everyone = Promise.resolve();
const named = {
  /** Passes once every coordinate's call has started, or after 50 ms (if they run one by one). */
  slow: async () => {
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    if (inFlight === COORDINATES.length) release();
    await Promise.race([everyone, new Promise((resolve) => setTimeout(resolve, 50))]);
    inFlight--;
    return true;
  },
  /** Never settles. */
  never: () => new Promise<boolean>(() => {}),
};

let hr: RunningServer;
let running: PolicyCase;
const logged: string[] = [];
const logger: Logger = { ...silentLogger, error: (message) => void logged.push(message) };
before(async () => {
  hr = await serveGraphQL({ schema: hrSchema });
  running = await startPolicyCase(
    {},
    {
      policies: { named, timeout: 100 },
      subgraphs: [
        {
          kind: 'graphql',
          name: 'hr',
          url: hr.url,
          policies: {
            ...Object.fromEntries(COORDINATES.map((c) => [c, { policy: [['slow']] }])),
            'Person.ssn': { policy: [['never']] },
          },
        },
      ],
    },
    { logger },
  );
});
after(async () => {
  await running?.[Symbol.asyncDispose]();
  await hr?.close();
});

describe('field policies: named policy functions', () => {
  it('judges the fields of an operation concurrently', async () => {
    mostInFlight = 0;
    everyone = new Promise((resolve) => {
      release = resolve;
    });
    const { body } = await running.gateway.query('{ motd person { id name salary } }', undefined, as({}));
    assert.deepEqual(body, { data: { motd: 'welcome', person: { id: '1', name: 'Ada', salary: 10 } } });
    assert.equal(mostInFlight, COORDINATES.length);
  });

  it('refuses a field whose policy never answers, after policies.timeout, and logs it', async () => {
    logged.length = 0;
    const started = performance.now();
    const { body } = await running.gateway.query('{ person { ssn } }', undefined, as({}));
    assert.ok(performance.now() - started < 2_000);
    assert.deepEqual(body.data, { person: { ssn: null } });
    assert.deepEqual(
      body.errors?.map((e) => [e.path, e.extensions?.code]),
      [[['person', 'ssn'], 'FORBIDDEN']],
    );
    assert.equal(logged.filter((m) => m.includes('"never"')).length, 1);
  });
});
