/**
 * Trusted documents through the real gateway on a loopback socket, on both engines: allow-list
 * mode with either manifest format (by text, by `documentId`, by APQ hash; POST on the fast path
 * and GET through Yoga), APQ's miss, registration, hit, hash mismatch and LRU bound, a document
 * from the manifest still held to `limits`, and bad manifests refused at startup.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { sha256Hex } from '../../gateway/trusted-documents/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { type ReviewGraph, startReviewGraph } from '../helpers/review-graph.ts';

const HELLO = 'query Hello { hello }';
const ME = 'query Me { me { name } }';
const OTHER = '{ echo(text: "x") }';
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-trusted-'));
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};
const apolloManifest = file('apollo.json', {
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations: [
    { id: sha256Hex(HELLO), body: HELLO, name: 'Hello', type: 'query' },
    { id: sha256Hex(ME).toUpperCase(), body: ME, name: 'Me', type: 'query' },
  ],
});
// Relay's ids are not sha256: they are looked up as they are.
const mapManifest = file('relay.json', { q1: HELLO, [sha256Hex(ME)]: ME });

let graph: ReviewGraph;
before(async () => {
  graph = await startReviewGraph();
});
after(() => graph?.close());

interface Answer {
  status: number;
  code?: unknown;
  data?: unknown;
}

async function serve(
  trustedDocuments: GatehouseConfigInput['trustedDocuments'],
  more: GatehouseConfigInput = {},
) {
  const gateway = await startTestGateway({
    ...more,
    trustedDocuments,
    subgraphs: [{ name: 'reviews', kind: 'federation', url: graph.url }],
  });
  const { url } = await gateway.listen();
  const read = async (response: Response): Promise<Answer> => {
    const body = (await response.json()) as {
      data?: unknown;
      errors?: Array<{ extensions?: { code?: unknown } }>;
    };
    return { status: response.status, code: body.errors?.[0]?.extensions?.code, data: body.data };
  };
  const headers = { accept: 'application/graphql-response+json' };
  return {
    gateway,
    /** A POST of application/json: the fast path. */
    post: async (body: Record<string, unknown>) =>
      read(
        await fetch(url, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
    /** A GET: Yoga's path. */
    get: async (params: Record<string, unknown>) => {
      const search = new URLSearchParams(
        Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      );
      return read(await fetch(`${url}?${search}`, { headers }));
    },
  };
}

const apq = (query: string | undefined, hash = sha256Hex(query!)) => ({
  ...(query === undefined ? {} : { query }),
  extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
});
const ok = (answer: Answer) => {
  assert.equal(answer.status, 200);
  assert.equal(answer.code, undefined);
  assert.ok(answer.data);
};
const refused = (answer: Answer, code: string, status: number) => {
  assert.deepEqual({ status: answer.status, code: answer.code }, { status, code });
};

for (const engine of ['plan', 'stitching'] as const) {
  describe(`${engine}: allow-list mode`, () => {
    for (const [format, manifest, relayId] of [
      ['Apollo manifest', apolloManifest, undefined],
      ['id → document map', mapManifest, 'q1'],
    ] as const) {
      it(`${format}: listed documents run by text and by id; others are refused`, async () => {
        const { gateway, post, get } = await serve({ mode: 'allow-list', manifest }, { engine });
        try {
          ok(await post({ query: HELLO }));
          ok(await get({ query: ME }));
          ok(await post({ documentId: `sha256:${sha256Hex(ME)}` }));
          ok(await get({ documentId: sha256Hex(ME).toUpperCase() }));
          ok(await post(apq(undefined, sha256Hex(ME))));
          ok(await get(apq(undefined, sha256Hex(ME))));
          if (relayId) ok(await post({ documentId: relayId }));
          graph.reset();
          refused(await post({ query: OTHER }), 'PERSISTED_DOCUMENT_REQUIRED', 403);
          refused(await get({ query: OTHER }), 'PERSISTED_DOCUMENT_REQUIRED', 403);
          // APQ registration of an unlisted document, even with the right hash.
          refused(await post(apq(OTHER)), 'PERSISTED_DOCUMENT_REQUIRED', 403);
          refused(await post(apq(undefined, sha256Hex(OTHER))), 'PERSISTED_QUERY_NOT_FOUND', 200);
          refused(await post({ documentId: sha256Hex(OTHER) }), 'PERSISTED_QUERY_NOT_FOUND', 200);
          refused(await get({ documentId: 'nope' }), 'PERSISTED_QUERY_NOT_FOUND', 200);
          refused(await post(apq(HELLO, sha256Hex(ME))), 'PERSISTED_QUERY_HASH_MISMATCH', 400);
          assert.equal(graph.calls(), 0);
        } finally {
          await gateway.close();
        }
      });
    }

    it('a document from the manifest is still held to the limits', async () => {
      const { gateway, post } = await serve(
        { mode: 'allow-list', manifest: apolloManifest },
        {
          engine,
          limits: { maxDepth: 1 },
        },
      );
      try {
        refused(await post({ documentId: sha256Hex(ME) }), 'OPERATION_LIMIT_EXCEEDED', 400);
        ok(await post({ documentId: sha256Hex(HELLO) }));
      } finally {
        await gateway.close();
      }
    });
  });

  describe(`${engine}: automatic persisted queries`, () => {
    it('a miss asks for the text; the text registers; the hash then runs, by POST and GET', async () => {
      const { gateway, post, get } = await serve({ apq: { enabled: true } }, { engine });
      try {
        refused(await post(apq(undefined, sha256Hex(OTHER))), 'PERSISTED_QUERY_NOT_FOUND', 200);
        refused(await get(apq(undefined, sha256Hex(OTHER))), 'PERSISTED_QUERY_NOT_FOUND', 200);
        ok(await post(apq(OTHER)));
        ok(await post(apq(undefined, sha256Hex(OTHER).toUpperCase())));
        ok(await get(apq(undefined, sha256Hex(OTHER))));
        // allow-arbitrary: plain text still runs.
        ok(await post({ query: HELLO }));
        refused(await post(apq(HELLO, sha256Hex(OTHER))), 'PERSISTED_QUERY_HASH_MISMATCH', 400);
        refused(await post(apq(HELLO, 'not-a-hash')), 'PERSISTED_QUERY_HASH_MISMATCH', 400);
      } finally {
        await gateway.close();
      }
    });

    it('the store keeps at most maxEntries documents', async () => {
      const { gateway, post } = await serve({ apq: { enabled: true, maxEntries: 1 } }, { engine });
      try {
        ok(await post(apq(HELLO)));
        ok(await post(apq(OTHER)));
        refused(await post(apq(undefined, sha256Hex(HELLO))), 'PERSISTED_QUERY_NOT_FOUND', 200);
        ok(await post(apq(undefined, sha256Hex(OTHER))));
      } finally {
        await gateway.close();
      }
    });
  });
}

it('without a store, a document sent by id is not supported', async () => {
  const { gateway, post, get } = await serve(undefined);
  try {
    refused(await post(apq(undefined, sha256Hex(HELLO))), 'PERSISTED_QUERY_NOT_SUPPORTED', 400);
    refused(await get({ documentId: sha256Hex(HELLO) }), 'PERSISTED_QUERY_NOT_SUPPORTED', 400);
    ok(await post({ query: HELLO }));
  } finally {
    await gateway.close();
  }
});

it("a relative manifest path is read from the config file's folder", async () => {
  const gateway = await startTestGateway(
    {
      trustedDocuments: { mode: 'allow-list', manifest: 'apollo.json' },
      subgraphs: [{ name: 'reviews', kind: 'federation', url: graph.url }],
    },
    { baseDir: dir },
  );
  try {
    const { status, body } = await gateway.query(HELLO);
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
    assert.equal((await gateway.query(OTHER)).status, 403);
  } finally {
    await gateway.close();
  }
});

describe('bad manifests stop the start with CONFIG_INVALID', () => {
  const cases: Array<[string, GatehouseConfigInput['trustedDocuments']]> = [
    ['a missing file', { manifest: join(dir, 'missing.json') }],
    ['not JSON', { manifest: file('broken.json', '{ "a": ') }],
    ['neither format', { manifest: file('neither.json', { operations: 3 }) }],
    [
      'an Apollo manifest of another version',
      {
        manifest: file('v2.json', { format: 'apollo-persisted-query-manifest', version: 2, operations: [] }),
      },
    ],
    [
      'a sha256 id that is not the hash of its document',
      { manifest: file('wrong.json', { [sha256Hex(ME)]: HELLO }) },
    ],
    ['allow-list without a manifest', { mode: 'allow-list' }],
  ];
  for (const [name, trustedDocuments] of cases) {
    it(name, async () => {
      await assert.rejects(
        startTestGateway({
          trustedDocuments,
          subgraphs: [{ name: 'reviews', kind: 'federation', url: graph.url }],
        }),
        { code: 'CONFIG_INVALID' },
      );
    });
  }
});
