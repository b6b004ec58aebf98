import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WAIT_LIMIT = 60_000; // 60 s, so that a hung child fails the test instead of blocking it

/** Runs `subgraphs/demo/<name>/server.ts 0` and resolves with the URL it prints. */
function runServer(name: string): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', `subgraphs/demo/${name}/server.ts`, '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} printed no URL: ${out}`)), WAIT_LIMIT);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = new RegExp(`^${name}: (http://\\S+)`, 'm').exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}): ${out}`));
    });
  });
  return { child, url };
}

const graphql = async (url: string, query: string) =>
  (await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  }).then((r) => r.json())) as { data?: Record<string, unknown>; errors?: unknown[] };

describe('each demo backend on its own', () => {
  it('starts with `tsx subgraphs/demo/<name>/server.ts <port>`, prints its URL and answers there', async () => {
    const runs = ['catalogue', 'accounts', 'reviews'].map((name) => ({ name, ...runServer(name) }));
    try {
      const [catalogue, accounts, reviews] = await Promise.all(runs.map((r) => r.url));
      const books = (await (await fetch(`${catalogue}/books?ids=2,1`)).json()) as Array<{ title: string }>;
      assert.deepEqual(
        books.map((b) => b.title),
        ['The Dispossessed', 'A Wizard of Earthsea'],
      );
      const missing = await fetch(`${catalogue}/books/999`);
      assert.equal(missing.status, 404);
      await missing.arrayBuffer();
      assert.deepEqual(await graphql(accounts!, '{ usersByIds(ids: ["2", "99"]) { name } }'), {
        data: { usersByIds: [{ name: 'Bruno Ferreira' }, null] },
      });
      // accounts knows nothing of federation; reviews is a federation subgraph.
      assert.ok((await graphql(accounts!, '{ _service { sdl } }')).errors);
      const sdl = await graphql(reviews!, '{ _service { sdl } }');
      const service = sdl.data?._service as { sdl?: string } | undefined;
      assert.match(String(service?.sdl), /type Book @key\(fields: "id"\)/);
    } finally {
      for (const { child } of runs)
        if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    }
  });
});
