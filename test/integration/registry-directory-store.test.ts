/**
 * The registry's directory store: versions numbered and kept, rollbacks as new records, two
 * processes publishing at once each get their own number, and a watcher sees another store's
 * publish.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDirectoryStore } from '../../gateway/registry/directory-store.ts';
import type { RegistryEntry } from '../../gateway/registry/index.ts';

const entry = (sdl: string): RegistryEntry => ({
  name: 'reviews',
  kind: 'federation',
  url: 'http://127.0.0.1:1/graphql',
  sdl,
});
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-registry-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Waits until `check` holds, for at most `limit` ms. */
async function eventually(check: () => boolean, limit = 5_000): Promise<void> {
  const end = Date.now() + limit;
  while (!check()) {
    if (Date.now() > end) throw new Error('not within the limit');
    await sleep(20);
  }
}

describe('registry directory store', () => {
  it('numbers versions, lists the current one, keeps history newest first', async () => {
    const store = createDirectoryStore({ directory: tempDir() });
    const first = await store.publish(entry('type Query { a: Int }'), { author: 'ann' });
    const second = await store.publish(entry('type Query { b: Int }'), { author: 'bob' });
    assert.deepEqual([first.version, second.version], [1, 2]);
    const [current] = await store.list();
    assert.equal(current?.version, 2);
    assert.equal(current?.author, 'bob');
    assert.deepEqual(
      (await store.versions('reviews')).map((v) => v.version),
      [2, 1],
    );
    assert.deepEqual(await store.versions('nothing'), []);
    await store.close();
  });

  it('rolls back as a new record; rollbacks walk back; an unknown target is NOT_FOUND', async () => {
    const store = createDirectoryStore({ directory: tempDir() });
    for (const field of ['a', 'b', 'c'])
      await store.publish(entry(`type Query { ${field}: Int }`), { author: 'ann' });
    const back = await store.rollback('reviews', { author: 'ops' });
    assert.deepEqual([back.version, back.restoredFrom, back.entry.sdl], [4, 2, 'type Query { b: Int }']);
    const again = await store.rollback('reviews', { author: 'ops' });
    assert.deepEqual([again.version, again.restoredFrom], [5, 1]);
    await assert.rejects(store.rollback('reviews', { author: 'ops' }), { code: 'NOT_FOUND' });
    await assert.rejects(store.rollback('reviews', { author: 'ops' }, 9), { code: 'NOT_FOUND' });
    await assert.rejects(store.rollback('other', { author: 'ops' }), { code: 'NOT_FOUND' });
    const to = await store.rollback('reviews', { author: 'ops' }, 3);
    assert.equal(to.entry.sdl, 'type Query { c: Int }');
    await store.close();
  });

  it('keeps maxVersions versions', async () => {
    const directory = tempDir();
    const store = createDirectoryStore({ directory, maxVersions: 2 });
    for (let i = 0; i < 4; i++) await store.publish(entry(`type Query { f${i}: Int }`), { author: 'ann' });
    assert.deepEqual(readdirSync(join(directory, 'reviews')).sort(), ['v000003.json', 'v000004.json']);
    await store.close();
  });

  it('two processes publishing at once lose no version', async () => {
    const directory = tempDir();
    const script = `
      import { createDirectoryStore } from ${JSON.stringify(new URL('../../gateway/registry/directory-store.ts', import.meta.url).href)};
      const store = createDirectoryStore({ directory: ${JSON.stringify(directory)} });
      for (let i = 0; i < 15; i++)
        await store.publish({ name: 'reviews', kind: 'federation', url: 'http://127.0.0.1:1/', sdl: 'type Query { p' + process.pid + '_' + i + ': Int }' }, { author: String(process.pid) });
    `;
    const run = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          stdio: 'inherit',
        });
        child.on('close', resolve);
      });
    assert.deepEqual(await Promise.all([run(), run()]), [0, 0]);
    const store = createDirectoryStore({ directory });
    const versions = await store.versions('reviews');
    assert.deepEqual(
      versions.map((v) => v.version),
      Array.from({ length: 30 }, (_, i) => 30 - i),
    );
    assert.equal(new Set(versions.map((v) => v.entry.sdl)).size, 30);
    await store.close();
  });

  it("a watcher sees another store's publish", async () => {
    const directory = tempDir();
    const watching = createDirectoryStore({ directory, pollInterval: 100 });
    const writer = createDirectoryStore({ directory });
    let changes = 0;
    const stop = watching.watch(() => changes++);
    await watching.ready(); // its first reading is the baseline
    await writer.publish(entry('type Query { a: Int }'), { author: 'ann' });
    await eventually(() => changes > 0);
    stop();
    await Promise.all([watching.close(), writer.close()]);
  });

  it("fs.watch alone tells another store's publish (polling every minute)", async () => {
    const directory = tempDir();
    const watching = createDirectoryStore({ directory, pollInterval: 60_000 });
    const writer = createDirectoryStore({ directory });
    let changes = 0;
    watching.watch(() => changes++);
    await watching.ready();
    await writer.publish(entry('type Query { a: Int }'), { author: 'ann' });
    await eventually(() => changes > 0, 3_000);
    await Promise.all([watching.close(), writer.close()]);
  });

  it('refuses names that are not subgraph names before they become paths', async () => {
    const directory = tempDir();
    const store = createDirectoryStore({ directory: join(directory, 'registry') });
    mkdirSync(join(directory, 'outside'));
    writeFileSync(
      join(directory, 'outside', 'v000001.json'),
      JSON.stringify({
        name: 'outside',
        version: 1,
        author: 'x',
        publishedAt: '',
        entry: entry('type Query { a: Int }'),
      }),
    );
    for (const name of ['../outside', '..', 'a/b', '', '1abc'])
      await assert.rejects(store.versions(name), { code: 'BAD_USER_INPUT' }, name);
    await assert.rejects(store.rollback('../outside', { author: 'x' }, 1), { code: 'BAD_USER_INPUT' });
    await assert.rejects(
      store.publish({ ...entry('type Query { a: Int }'), name: '../outside' }, { author: 'x' }),
      {
        code: 'BAD_USER_INPUT',
      },
    );
    await store.close();
  });

  it('a rollback restores only a valid entry of its own subgraph', async () => {
    const directory = tempDir();
    const store = createDirectoryStore({ directory });
    await store.publish(entry('type Query { a: Int }'), { author: 'ann' });
    await store.publish(entry('type Query { b: Int }'), { author: 'ann' });
    // A file of another subgraph, committed under reviews/ (a bad GitOps commit, or an attack).
    const foreign = { ...entry('type Query { x: Int }'), name: 'products' };
    writeFileSync(
      join(directory, 'reviews', 'v000001.json'),
      JSON.stringify({ name: 'reviews', version: 1, author: 'x', publishedAt: '', entry: foreign }),
    );
    await assert.rejects(store.rollback('reviews', { author: 'ops' }), { code: 'NOT_FOUND' });
    assert.deepEqual(readdirSync(join(directory)), ['reviews']);
    await store.close();
  });

  it('an unreadable version file is skipped and reported; other subgraphs are not affected', async () => {
    const directory = tempDir();
    const store = createDirectoryStore({ directory });
    await store.publish(entry('type Query { a: Int }'), { author: 'ann' });
    await store.publish({ ...entry('type Query { p: Int }'), name: 'products' }, { author: 'ann' });
    writeFileSync(join(directory, 'reviews', 'v000002.json'), ''); // a crash, a bad commit
    await store.publish({ ...entry('type Query { q: Int }'), name: 'products' }, { author: 'bob' });
    const listed = await store.list();
    assert.deepEqual(
      listed.map((v) => [v.name, v.version]),
      [
        ['products', 2],
        ['reviews', 1],
      ],
    );
    assert.match(store.broken().get('reviews') ?? '', /v000002\.json.*version 1 is used/);
    assert.equal(store.broken().has('products'), false);
    // The next publish takes the number after the broken one, and is current again.
    const next = await store.publish(entry('type Query { c: Int }'), { author: 'ann' });
    assert.equal(next.version, 3);
    assert.equal((await store.list()).find((v) => v.name === 'reviews')?.version, 3);
    assert.equal(store.broken().has('reviews'), false); // only versions newer than the current one matter
    await store.close();
  });

  it('two rollbacks at once walk back in turn', async () => {
    const directory = tempDir();
    const store = createDirectoryStore({ directory });
    for (const field of ['a', 'b', 'c'])
      await store.publish(entry(`type Query { ${field}: Int }`), { author: 'ann' });
    const both = await Promise.all([
      store.rollback('reviews', { author: 'one' }),
      store.rollback('reviews', { author: 'two' }),
    ]);
    assert.deepEqual(both.map((v) => v.restoredFrom).sort(), [1, 2]);
    assert.deepEqual(both.map((v) => v.version).sort(), [4, 5]);
    await store.close();
  });

  it('a publish expecting a version is refused when another came first', async () => {
    const store = createDirectoryStore({ directory: tempDir() });
    assert.equal(await store.head('reviews'), 0);
    await store.publish(entry('type Query { a: Int }'), { author: 'ann' }, 0);
    await assert.rejects(store.publish(entry('type Query { b: Int }'), { author: 'bob' }, 0), {
      code: 'REGISTRY_UNAVAILABLE',
    });
    const second = await store.publish(entry('type Query { b: Int }'), { author: 'bob' }, 1);
    assert.equal(second.version, 2);
    assert.equal(await store.head('reviews'), 2);
    await store.close();
  });
});
