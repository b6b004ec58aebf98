import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'graphql';
import { createEngine } from '../../gateway/engine/index.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import { createSchemaInService } from '../../gateway/supergraph/in-service.ts';

const SUPERGRAPH = readFileSync(
  new URL('../fixtures/gateways-benchmark/supergraph.graphql', import.meta.url),
  'utf8',
);

describe('a supergraph cut short (a file read while it is written)', () => {
  it('never reaches the query planner: every prefix that parses is refused, the schema in service stays', () => {
    // The native planner aborts the whole process on some invalid supergraphs (no Query type):
    // were one let through, this test's process would die.
    const engine = createEngine({ mode: 'plan', logger: silentLogger });
    const inService = createSchemaInService(silentLogger, (served) => engine.prepare(served));
    const executor = () => async () => ({ data: null });
    assert.deepEqual(inService.put(SUPERGRAPH, executor), { ok: true });
    const whole = inService.served;
    const lines = SUPERGRAPH.split('\n');
    let tried = 0;
    for (let n = 1; n < lines.length; n++) {
      const prefix = lines.slice(0, n).join('\n');
      if (prefix.trim() === SUPERGRAPH.trim()) break; // the whole file, less its last newline
      try {
        parse(prefix);
      } catch {
        continue; // does not parse: the file source never offers it
      }
      tried++;
      const put = inService.put(prefix, executor);
      if (put.ok) {
        // Only a prefix that is itself a whole, valid graph may be served (none is, here).
        assert.fail(`a prefix of ${n} lines was put in service`);
      }
      assert.equal(inService.served, whole);
    }
    assert.ok(tried > 5, `only ${tried} prefixes parse`);
  });

  it('a join__ directive naming a graph join__Graph does not list is refused (its fields would be null)', () => {
    const inService = createSchemaInService(silentLogger);
    const executor = () => async () => ({ data: null });
    const put = inService.put(SUPERGRAPH.replace('graph: INVENTORY', 'graph: NOPE'), executor);
    assert.equal(put.ok, false);
    assert.match(put.ok ? '' : put.problem, /join__Graph does not list: NOPE/);
    assert.equal(inService.reloads().failed, 1);
  });

  it('an unknown type is refused with a one-line problem (no stack in /readyz)', () => {
    const inService = createSchemaInService(silentLogger);
    const put = inService.put(SUPERGRAPH.replace('body: String', 'body: Strin'), () => async () => ({
      data: null,
    }));
    assert.equal(put.ok, false);
    const problem = put.ok ? '' : put.problem;
    assert.match(problem, /Unknown type:? "Strin"/);
    assert.doesNotMatch(problem, /\n|node_modules/);
  });

  it('a field set, a field or a graph the planner would abort on is refused, with a one-line problem', () => {
    const inService = createSchemaInService(silentLogger);
    const executor = () => async () => ({ data: null });
    const lines = SUPERGRAPH.split('\n');
    const without = (line: string) => lines.filter((l) => l.trim() !== line).join('\n');
    const cases: [string, string, RegExp][] = [
      ['a key naming no field', SUPERGRAPH.replace('key: "upc"', 'key: "upcc"'), /Product\.upcc, a field/],
      [
        'a field external in every graph',
        without('@join__field(graph: ACCOUNTS)'),
        /User\.username is external in every subgraph/,
      ],
      [
        'a provides naming a field its graph lacks',
        without('@join__field(graph: REVIEWS, external: true)'),
        /provides:\) on Review\.author names User\.username, which subgraph REVIEWS does not have/,
      ],
      [
        'two graphs by one name',
        SUPERGRAPH.replace('name: "inventory"', 'name: "accounts"'),
        /join__Graph names these subgraphs twice: accounts/,
      ],
    ];
    for (const [what, sdl, problem] of cases) {
      const put = inService.put(sdl, executor);
      assert.equal(put.ok, false, what);
      assert.match(put.ok ? '' : put.problem, problem, what);
    }
  });
});
