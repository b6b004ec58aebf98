import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_EXAMPLE_QUERY } from '../../subgraphs/demo/index.ts';
import { spawnGatehouse } from '../helpers/cli.ts';

describe('gatehouse demo (npm start)', () => {
  it('serves the demo graph, answers its example query, and exits 0 on SIGTERM', async () => {
    const gatehouse = spawnGatehouse(['demo', '--port', '0']);
    try {
      const url = await gatehouse.listening();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: DEMO_EXAMPLE_QUERY }),
      });
      const body = (await response.json()) as { data?: { listBooks: unknown[] }; errors?: unknown };
      assert.equal(body.errors, undefined);
      assert.equal(body.data?.listBooks.length, 8);
      const page = await fetch(url, { headers: { accept: 'text/html' } });
      assert.match(await page.text(), /BooksWithReviews/);
      gatehouse.child.kill('SIGTERM');
      const { code } = await gatehouse.exited;
      assert.equal(code, 0);
    } finally {
      gatehouse.kill();
    }
  });
});
