/**
 * Every prefix of a supergraph file, as a reader may see a file being written: fed one after the
 * other through the watched file source of a gateway that serves, with the real engine (whose
 * query planner aborts the process on some schemas). None is put in service, the process lives
 * on, and queries keep being answered by the schema in service; the complete file then is served.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { schemaVersion } from '../../gateway/supergraph/index.ts';
import { waitFor } from '../helpers/fault-graph.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { recordingLogger } from '../helpers/logger.ts';
import {
  expectedAnswer,
  QUERY,
  type ReloadGraph,
  replaceByRename,
  startReloadGraph,
} from '../helpers/reload-graph.ts';

let graph: ReloadGraph;
let dir: string;
let gateway: TestGateway | undefined;
before(async () => {
  graph = await startReloadGraph();
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-prefixes-'));
});
after(async () => {
  await gateway?.close();
  await graph?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Each prefix of `sdl` that ends at a line's end, but for the whole file (trailing blanks aside). */
function linePrefixes(sdl: string): string[] {
  const prefixes: string[] = [];
  for (let end = sdl.indexOf('\n'); end !== -1; end = sdl.indexOf('\n', end + 1)) {
    const prefix = sdl.slice(0, end + 1);
    if (prefix.trimEnd() !== sdl.trimEnd()) prefixes.push(prefix);
  }
  return prefixes;
}

it('serves no prefix of a supergraph file, lives on and answers throughout', async () => {
  const file = join(dir, 'supergraph.graphql');
  writeFileSync(file, graph.versions.a);
  const logger = recordingLogger();
  gateway = await startTestGateway({ supergraph: file, reload: { pollInterval: 100 } }, { logger });
  const served = gateway;
  const a = schemaVersion(graph.versions.a);
  // One line per version of the file the source looked at: served, or refused and why.
  const looks = () =>
    logger.lines.filter(
      (l) =>
        l.message.includes(file) &&
        (l.message.includes('cannot be served') || l.message.startsWith('supergraph file')),
    ).length;

  const prefixes = linePrefixes(graph.versions.b);
  assert.ok(prefixes.length > 50, `${prefixes.length} prefixes`);
  for (const [i, prefix] of prefixes.entries()) {
    const seen = looks();
    // A rename: the source reads exactly this prefix (in place, it might read a longer one).
    await replaceByRename(file, prefix);
    await waitFor(
      () => looks() > seen,
      `prefix ${i + 1} of ${prefixes.length} (${prefix.length} bytes) looked at`,
    );
    assert.equal(served.supergraph.status().version, a, `prefix of ${prefix.length} bytes put in service`);
    const answer = await served.query(QUERY);
    assert.deepEqual(answer.body, expectedAnswer('a'), `after the prefix of ${prefix.length} bytes`);
  }
  assert.equal(served.supergraph.status().reloads.succeeded, 1);
  // Each prefix refused is a failed reload (whether it did not parse or failed the checks), once.
  assert.equal(served.supergraph.status().reloads.failed, prefixes.length);
  assert.ok(served.supergraph.status().compositionProblems.length > 0);

  await replaceByRename(file, graph.versions.b);
  await waitFor(() => served.supergraph.status().version === schemaVersion(graph.versions.b), 'version B');
  assert.deepEqual((await served.query(QUERY)).body, expectedAnswer('b'));
  assert.deepEqual(served.supergraph.status().compositionProblems, []);
});
