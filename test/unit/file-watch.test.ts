/**
 * `watchFile`: new contents are handed over once, whether the file is rewritten in place or
 * replaced by a rename (several times: the watch follows the path, not the inode); the same bytes
 * again (a touch) are not; a file missing for a while is read again once it is back; a file
 * still being written (its size or mtime moving between two stats) is not read.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { silentLogger } from '../../gateway/logger/index.ts';
import { contentHash, watchFile } from '../../gateway/supergraph/file-watch.ts';
import { waitFor } from '../helpers/fault-graph.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-watch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('hands over each new contents once, in place or renamed, and ignores a touch', async () => {
  const file = join(dir, 'watched.txt');
  writeFileSync(file, 'one');
  const seen: string[] = [];
  const watch = watchFile({
    file,
    initialHash: contentHash('one'),
    pollInterval: 50,
    logger: silentLogger,
    onContents: (contents) => void seen.push(contents),
  });
  try {
    await writeFile(file, 'two');
    await waitFor(() => seen.length === 1, 'the in-place rewrite');
    for (const contents of ['three', 'four']) {
      await writeFile(`${file}.tmp`, contents);
      await rename(`${file}.tmp`, file);
      await waitFor(() => seen.at(-1) === contents, `the rename to ${contents}`);
    }
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    await writeFile(file, 'four');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(seen, ['two', 'three', 'four']);

    unlinkSync(file);
    await new Promise((resolve) => setTimeout(resolve, 150));
    writeFileSync(file, 'five');
    await waitFor(() => seen.at(-1) === 'five', 'the file back');
    assert.deepEqual(seen, ['two', 'three', 'four', 'five']);
  } finally {
    await watch.close();
  }
});

it('does not read a file whose writer pauses mid-write for longer than the debounce', async () => {
  const file = join(dir, 'paused.txt');
  writeFileSync(file, 'one');
  const seen: string[] = [];
  const debounce = 250;
  const watch = watchFile({
    file,
    initialHash: contentHash('one'),
    pollInterval: 60_000,
    debounce,
    logger: silentLogger,
    onContents: (contents) => void seen.push(contents),
  });
  try {
    // The first half, a pause past the debounce (the check's first stat comes in it), the rest:
    // the two stats of that check disagree, so the half is never read.
    writeFileSync(file, 'first half, ');
    await new Promise((resolve) => setTimeout(resolve, debounce + 50));
    appendFileSync(file, 'second half');
    await waitFor(() => seen.length > 0, 'the whole file read');
    await new Promise((resolve) => setTimeout(resolve, debounce * 3));
    assert.deepEqual(seen, ['first half, second half']);
  } finally {
    await watch.close();
  }
});

it('stops on close', async () => {
  const file = join(dir, 'closed.txt');
  writeFileSync(file, 'one');
  let calls = 0;
  const watch = watchFile({
    file,
    initialHash: contentHash('one'),
    pollInterval: 20,
    logger: silentLogger,
    onContents: () => void calls++,
  });
  await watch.close();
  writeFileSync(file, 'two');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(calls, 0);
});
