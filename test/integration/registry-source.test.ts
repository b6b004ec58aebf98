/**
 * The registry served by the supergraph room, and its admin routes, in process with real
 * directory stores: a publish during the watch's baseline is served; a version file that cannot
 * be read is reported and the version before it served; a config subgraph is not replaced unless
 * `allowOverride` says so; a publish whose base moved is checked again; admin paths are checked
 * and header values redacted; a version that does not compose is counted as a failed reload. And the CLI on the store itself: a forced version that does not
 * compose does not break later checks; an unreachable config subgraph is exit 3.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { useAdmin } from '../../gateway/admin/index.ts';
import { createLogger, type Logger } from '../../gateway/logger/index.ts';
import { createChangeWatch } from '../../gateway/registry/change-watch.ts';
import { createDirectoryStore } from '../../gateway/registry/directory-store.ts';
import type { RegistryGraph } from '../../gateway/registry/graph.ts';
import type { RegistryEntry, RegistryStore } from '../../gateway/registry/index.ts';
import { publishEntry } from '../../gateway/registry/publish.ts';
import { createSupergraph, type SubgraphSource, type Supergraph } from '../../gateway/supergraph/index.ts';
import { createLoadContext } from '../../gateway/upstream/index.ts';
import { runGatehouse } from '../helpers/cli.ts';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const TOKEN = 'registry-source-admin-token-0123456789';
const noClient = { request: () => Promise.reject(new Error('no HTTP in this test')), close: async () => {} };

const entry = (name: string, fields: string, more: Partial<RegistryEntry> = {}): RegistryEntry => ({
  name,
  kind: 'federation',
  url: `http://127.0.0.1:1/${name}`,
  sdl: `${LINK}\ntype Query { ${fields} }`,
  ...more,
});
/** A config subgraph, loaded in process. */
const configSubgraph = (name: string, fields: string): SubgraphSource => ({
  name,
  required: false,
  kind: 'federation',
  url: `http://127.0.0.1:1/${name}`,
  load: async () => ({
    name,
    url: `http://127.0.0.1:1/${name}`,
    typeDefs: parse(`${LINK}\ntype Query { ${fields} }`),
    executor: async () => ({ data: null }),
  }),
});

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-registry-source-'));
  dirs.push(dir);
  return dir;
};
const running: { stop(): Promise<void> }[] = [];
after(async () => {
  await Promise.all(running.map((r) => r.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function recordingLogger(): Logger & { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  return {
    ...createLogger({ level: 'silent' }),
    error: (message) => void errors.push(message),
    warn: (message) => void warnings.push(message),
    errors,
    warnings,
  };
}

async function eventually(check: () => boolean, what: string, limit = 5_000): Promise<void> {
  const end = Date.now() + limit;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function serve(store: RegistryStore, subgraphs: SubgraphSource[] = [], allowOverride?: string[]) {
  const logger = recordingLogger();
  const supergraph: Supergraph = createSupergraph({
    subgraphs,
    registry: store,
    registryAllowOverride: allowOverride,
    context: createLoadContext(noClient),
    logger,
  });
  running.push({
    async stop() {
      await supergraph.stop();
      await store.close();
    },
  });
  await supergraph.start();
  return { supergraph, graph: supergraph.registry!, logger };
}

describe('registry source', () => {
  it('serves a publish that lands while the watch takes its baseline', async () => {
    const inner = createDirectoryStore({ directory: tempDir(), pollInterval: 60_000 });
    await inner.publish(entry('reviews', 'a: Int'), { author: 'ann' });
    // The watch's first signature waits until the first list() has read version 1 and version 2
    // has been published: the baseline is version 2, which that list() did not see.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const watch = createChangeWatch({
      interval: 60_000,
      async signature() {
        await gate;
        return String(await inner.head('reviews'));
      },
    });
    let lists = 0;
    const store: RegistryStore = {
      ...inner,
      watch: (listener) => watch.add(listener),
      ready: () => watch.ready,
      async list() {
        const listed = await inner.list();
        if (++lists === 1) {
          await inner.publish(entry('reviews', 'b: Int'), { author: 'bob' });
          release();
          await watch.ready;
        }
        return listed;
      },
      async close() {
        watch.close();
        await inner.close();
      },
    };
    const { graph } = await serve(store);
    await eventually(() => graph.inService().get('reviews') === 2, 'version 2 in service');
  });

  it('reports a version file that cannot be read and serves the one before; others go on', async () => {
    const directory = tempDir();
    const store = createDirectoryStore({ directory, pollInterval: 100 });
    await store.publish(entry('reviews', 'a: Int'), { author: 'ann' });
    await store.publish(entry('products', 'p: Int'), { author: 'ann' });
    const { supergraph, graph, logger } = await serve(store);
    writeFileSync(join(directory, 'reviews', 'v000002.json'), '');
    await store.publish(entry('products', 'q: Int'), { author: 'bob' });
    await eventually(() => graph.inService().get('products') === 2, 'products version 2');
    await eventually(
      () =>
        /v000002\.json/.test(supergraph.status().subgraphs.find((s) => s.name === 'reviews')?.error ?? ''),
      'the status of reviews to say why',
    );
    assert.equal(graph.inService().get('reviews'), 1);
    assert.ok(supergraph.schema?.getQueryType()?.getFields().q);
    assert.equal(supergraph.status().subgraphs.find((s) => s.name === 'products')?.error, undefined);
    await graph.refresh();
    assert.equal(logger.errors.filter((e) => /v000002/.test(e)).length, 1, 'logged once');
  });

  it('counts a version that does not compose as a failed reload, once', async () => {
    const store = createDirectoryStore({ directory: tempDir(), pollInterval: 100 });
    await store.publish(entry('reviews', 'a: Int'), { author: 'ann' });
    const { supergraph, graph } = await serve(store);
    assert.deepEqual([supergraph.status().reloads.succeeded, supergraph.status().reloads.failed], [1, 0]);
    // `a` as a String beside reviews' Int: does not compose (published to the store as is).
    await store.publish(entry('clash', 'a: String'), { author: 'bob' });
    await eventually(() => supergraph.status().reloads.failed > 0, 'the failed reload counted');
    await graph.refresh();
    const { reloads } = supergraph.status();
    assert.equal(reloads.failed, 1);
    assert.equal(reloads.succeeded, 1);
    assert.equal(reloads.last?.ok, false);
    assert.equal(reloads.last?.source, 'registry');
    assert.match(reloads.last?.problem ?? '', /clash/);
    assert.equal(graph.inService().has('clash'), false);
  });

  it('does not let the registry replace a config subgraph unless allowOverride names it', async () => {
    const store = createDirectoryStore({ directory: tempDir(), pollInterval: 100 });
    const { supergraph, graph } = await serve(store, [configSubgraph('products', 'fromConfig: Int')]);
    assert.equal(graph.configOwned('products'), true);
    await assert.rejects(
      publishEntry(graph, store, { entry: entry('products', 'fromRegistry: Int'), author: 'eve' }),
      { code: 'BAD_USER_INPUT' },
    );
    // Written to the store directly (a GitOps commit, another tool): still not served.
    await store.publish(entry('products', 'fromRegistry: Int'), { author: 'eve' });
    await graph.refresh();
    const fields = supergraph.schema?.getQueryType()?.getFields();
    assert.ok(fields?.fromConfig);
    assert.equal(fields?.fromRegistry, undefined);

    // Listed by what is served: the config's products, with its kind and url.
    const listed = (await adminCall({ graph, supergraph }, 'GET', '/admin/subgraphs')).json as {
      subgraphs: Record<string, unknown>[];
    };
    const products = listed.subgraphs.find((s) => s.name === 'products');
    assert.deepEqual(
      [products?.source, products?.kind, products?.url, products?.version, products?.versionInService],
      ['config', 'federation', 'http://127.0.0.1:1/products', 1, undefined],
    );

    const open = createDirectoryStore({ directory: tempDir(), pollInterval: 100 });
    const allowed = await serve(open, [configSubgraph('products', 'fromConfig: Int')], ['products', 'typo']);
    assert.deepEqual(
      allowed.logger.warnings.filter((w) => /allowOverride/.test(w)).length,
      1,
      'an allowOverride name that is not a config subgraph is warned about',
    );
    assert.match(allowed.logger.warnings.join('\n'), /typo/);
    const outcome = await publishEntry(allowed.graph, open, {
      entry: entry('products', 'fromConfig: Int fromRegistry: Int'),
      author: 'team',
    });
    assert.equal(outcome.published, true);
    await allowed.graph.refresh();
    assert.ok(allowed.supergraph.schema?.getQueryType()?.getFields().fromRegistry);
  });

  it('checks a publish again when another one came first', async () => {
    const store = createDirectoryStore({ directory: tempDir(), pollInterval: 100 });
    const { graph } = await serve(store);
    let loads = 0;
    const target = {
      ...graph,
      current: () => graph.current(),
      supergraphSdl: () => graph.supergraphSdl(),
      refresh: () => graph.refresh(),
      async load(config: Parameters<typeof graph.load>[0]) {
        // While the first check runs, another publish of the same subgraph lands.
        if (++loads === 1) await store.publish(entry('reviews', 'other: Int'), { author: 'other' });
        return graph.load(config);
      },
    };
    // Checked again against the other publish (which its removal of `other` would break).
    const refused = await publishEntry(target, store, { entry: entry('reviews', 'mine: Int'), author: 'me' });
    assert.equal(loads, 2, 'checked twice');
    assert.deepEqual([refused.published, refused.report.ok], [false, false]);
    assert.equal(await store.head('reviews'), 1);
    const outcome = await publishEntry(graph, store, {
      entry: entry('reviews', 'other: Int mine: Int'),
      author: 'me',
    });
    assert.equal(outcome.version?.version, 2);
  });
});

/** One admin request to a gateway serving `graph`. */
async function adminCall(
  served: { graph: RegistryGraph; supergraph: Supergraph },
  method: string,
  path: string,
  body?: unknown,
) {
  const yoga = createYoga({
    plugins: [
      useAdmin({
        path: '/admin',
        token: TOKEN,
        logger: createLogger({ level: 'silent' }),
        purge: async () => 0,
        registry: { graph: served.graph, status: () => served.supergraph.status() },
        store: 'memory',
      }),
    ],
  });
  const response = await yoga.fetch(`http://gateway${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('registry admin routes', () => {
  it('refuses names that are not subgraph names, malformed escapes; redacts header values', async () => {
    const directory = tempDir();
    const store = createDirectoryStore({ directory: join(directory, 'registry'), pollInterval: 100 });
    await store.publish(entry('reviews', 'a: Int', { headers: { authorization: 'Bearer s3cret' } }), {
      author: 'ann',
    });
    const served = await serve(store, [configSubgraph('products', 'p: Int')]);
    const call = (method: string, path: string, body?: unknown) => adminCall(served, method, path, body);
    const codeOf = (json: Record<string, unknown>) =>
      (json.errors as { extensions: { code: string } }[] | undefined)?.[0]?.extensions.code;
    for (const [method, path] of [
      ['GET', '/admin/subgraphs/..%2Foutside/versions'],
      ['POST', '/admin/subgraphs/..%2Foutside/rollback'],
      ['GET', '/admin/subgraphs/%E0/versions'],
      ['POST', '/admin/subgraphs/%E0/rollback'],
    ] as const) {
      const { status, json } = await call(method, path, method === 'POST' ? { to: 1 } : undefined);
      assert.deepEqual([status, codeOf(json)], [400, 'BAD_USER_INPUT'], `${method} ${path}`);
    }
    const versions = await call('GET', '/admin/subgraphs/reviews/versions');
    assert.equal(versions.status, 200);
    assert.doesNotMatch(JSON.stringify(versions.json), /s3cret/);
    const [first] = versions.json.versions as { entry: RegistryEntry }[];
    assert.deepEqual(first?.entry.headers, { authorization: '[redacted]' });

    const published = await call(
      'POST',
      '/admin/subgraphs',
      entry('reviews', 'a: Int b: Int', { headers: { 'x-key': 'k3y' } }),
    );
    assert.equal(published.status, 200, JSON.stringify(published.json));
    assert.doesNotMatch(JSON.stringify(published.json), /k3y/);
    const rolledBack = await call('POST', '/admin/subgraphs/reviews/rollback', {});
    assert.equal(rolledBack.status, 200);
    assert.doesNotMatch(JSON.stringify(rolledBack.json), /s3cret/);
    // Stored as sent: only the answers are redacted.
    assert.equal((await store.versions('reviews'))[0]?.entry.headers?.authorization, 'Bearer s3cret');

    const owned = await call('POST', '/admin/subgraphs', entry('products', 'p: Int'));
    assert.deepEqual([owned.status, codeOf(owned.json)], [400, 'BAD_USER_INPUT']);
    const check = await call('POST', '/admin/check', entry('products', 'p: Int'));
    assert.deepEqual([check.status, codeOf(check.json)], [400, 'BAD_USER_INPUT']);

    // An unknown key, and a config key the registry does not apply: one message each.
    const keys = await call('POST', '/admin/check', {
      ...entry('reviews', 'a: Int'),
      bogus: 1,
      dedup: 'off',
    });
    assert.equal(keys.status, 400);
    const message = (keys.json.errors as { message: string }[])[0]!.message;
    assert.match(message, /bogus: unknown key/);
    assert.match(message, /dedup: a config key not applied to registry entries/);
    assert.doesNotMatch(message, /Unrecognized key|bogus: not applied/);
    assert.equal(message.match(/bogus/g)?.length, 1, message);

    // A schema that does not parse: a bad entry, not a failed check.
    const syntax = await call('POST', '/admin/check', { ...entry('reviews', 'a: Int'), sdl: 'type Query {' });
    assert.deepEqual([syntax.status, codeOf(syntax.json)], [400, 'BAD_USER_INPUT']);
  });
});

describe('registry CLI on the store itself', () => {
  it('checks against what composes after a forced version that does not; infrastructure failures are exit 3', async () => {
    const dir = tempDir();
    const registry = join(dir, 'registry');
    const sdl = (name: string, text: string) => {
      const file = join(dir, `${name}.graphql`);
      writeFileSync(file, `${LINK}\n${text}`);
      return file;
    };
    const args = (name: string, file: string) => [
      '--name',
      name,
      '--url',
      `http://127.0.0.1:1/${name}`,
      '--schema',
      file,
    ];
    const first = await runGatehouse([
      'publish',
      ...args('reviews', sdl('r1', 'type Query { a: Int }')),
      '--registry',
      registry,
    ]);
    assert.equal(first.code, 0, first.stderr);
    // `a` as a String in another subgraph: does not compose with reviews; forced.
    const clash = sdl('clash', 'type Query { a: String }');
    const forced = await runGatehouse([
      'publish',
      ...args('clash', clash),
      '--force',
      '--registry',
      registry,
    ]);
    // Written, but a gateway would not serve it: exit 1, so CI does not go green.
    assert.equal(forced.code, 1, forced.stderr + forced.stdout);
    assert.match(forced.stderr, /NOT in service/);
    const check = await runGatehouse([
      'check',
      ...args('reviews', sdl('r2', 'type Query { a: Int b: Int }')),
      '--registry',
      registry,
    ]);
    assert.equal(check.code, 0, check.stderr + check.stdout);

    writeFileSync(
      join(dir, 'gatehouse.yaml'),
      [
        `registry: { enabled: true, directory: ${JSON.stringify(registry)} }`,
        'subgraphs:',
        '  - { name: products, kind: federation, url: "http://127.0.0.1:1/graphql" }',
      ].join('\n'),
    );
    const down = await runGatehouse([
      'check',
      ...args('reviews', sdl('r3', 'type Query { a: Int }')),
      '--config',
      join(dir, 'gatehouse.yaml'),
    ]);
    assert.equal(down.code, 3, down.stderr + down.stdout);
    assert.match(down.stderr, /products/);
  });
});
