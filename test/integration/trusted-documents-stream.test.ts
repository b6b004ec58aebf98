/**
 * A persisted document that may stream (`@defer`), sent by id only: the JSON fast path takes
 * such bodies without seeing the text, so what keeps its single-result writer from getting a
 * stream is (1) it never takes a request whose `Accept` streams (`multipart/mixed`,
 * `text/event-stream`): Yoga answers those, incrementally; (2) for any other `Accept`, the
 * incremental-delivery room drops the `@defer`s, so the answer is one whole result. Both ids
 * (`documentId`, APQ hash) over a real socket, against the same document sent as text.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256Hex } from '../../gateway/trusted-documents/index.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { type ReviewGraph, startReviewGraph } from '../helpers/review-graph.ts';

const DEFERRED = 'query Deferred { hello ... @defer { me { name } } }';
const manifest = join(mkdtempSync(join(tmpdir(), 'gatehouse-trusted-stream-')), 'manifest.json');
writeFileSync(manifest, JSON.stringify({ deferred: DEFERRED, [sha256Hex(DEFERRED)]: DEFERRED }));

const bodies = {
  documentId: { documentId: 'deferred' },
  'APQ hash': { extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(DEFERRED) } } },
  text: { query: DEFERRED },
};

describe('trusted documents: a persisted @defer document sent by id', () => {
  let graph: ReviewGraph;
  let gateway: TestGateway;
  let url: string;
  before(async () => {
    graph = await startReviewGraph();
    gateway = await startTestGateway({
      subgraphs: [{ name: 'reviews', kind: 'federation', url: graph.url }],
      trustedDocuments: { manifest, apq: { enabled: true } },
    });
    ({ url } = await gateway.listen());
  });
  after(async () => {
    await gateway?.close();
    await graph?.close();
  });

  const post = (body: unknown, accept: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept },
      body: JSON.stringify(body),
    });

  for (const [sent, body] of Object.entries(bodies)) {
    it(`${sent}, Accept: multipart/mixed: delivered incrementally`, async () => {
      const response = await post(body, 'multipart/mixed');
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^multipart\/mixed/);
      const text = await response.text();
      assert.match(text, /"data":\{"hello":"world"\},"hasNext":true/);
      assert.match(text, /"incremental":\[\{"data":\{"me":\{"name":"user 1"\}\}/);
    });

    it(`${sent}, Accept: application/json: one whole result`, async () => {
      const response = await post(body, 'application/json');
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(await response.json(), { data: { hello: 'world', me: { name: 'user 1' } } });
    });
  }
});
