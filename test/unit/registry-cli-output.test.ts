/** What `gatehouse subgraphs` prints: the version in service, the newest when another, reachability. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subgraphLine } from '../../gateway/registry/cli/output.ts';

const published = { author: 'ann', publishedAt: '2025-05-02T10:00:00.000Z' };

test('the version in service, and the newest when it is another one', () => {
  assert.equal(
    subgraphLine({
      name: 'reviews',
      source: 'registry',
      version: 6,
      versionInService: 5,
      inService: true,
      reachable: true,
      error: 'version 6 does not compose',
      ...published,
    }),
    'reviews\tregistry; v5 in service; newest v6 NOT in service; v6 by ann at 2025-05-02T10:00:00.000Z; reachable; error: version 6 does not compose',
  );
});

test('a subgraph in service that cannot be reached is never plainly "in service"', () => {
  const down = subgraphLine({
    name: 'reviews',
    source: 'registry',
    version: 3,
    versionInService: 3,
    inService: true,
    reachable: false,
    ...published,
  });
  assert.match(down, /v3 in service but UNREACHABLE/);
  assert.equal(
    subgraphLine({ name: 'products', source: 'config', inService: true, reachable: false }),
    'products\tconfig; in service but UNREACHABLE',
  );
  assert.equal(
    subgraphLine({ name: 'products', source: 'config', inService: true, reachable: true }),
    'products\tconfig; in service; reachable',
  );
});

test('a config subgraph served while a registry version of it is refused', () => {
  assert.equal(
    subgraphLine({
      name: 'products',
      source: 'config',
      version: 1,
      inService: true,
      reachable: true,
      ...published,
    }),
    'products\tconfig; v1 not in service; config entry in service; v1 by ann at 2025-05-02T10:00:00.000Z; reachable',
  );
});
