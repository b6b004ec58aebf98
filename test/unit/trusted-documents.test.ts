/** The APQ store's bounds, and the trusted-documents room leaving the JSON fast path on. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { roomsHookingPath } from '../../gateway/room.ts';
import { paramsOf } from '../../gateway/server/fast-path.ts';
import { createApqStore, createTrustedDocuments } from '../../gateway/trusted-documents/index.ts';

it('the APQ store drops the least recently used past its count', () => {
  const store = createApqStore({ maxEntries: 2, maxBytes: 1000 });
  store.set('a', '{ a }');
  store.set('b', '{ b }');
  store.get('a');
  store.set('c', '{ c }');
  assert.deepEqual([store.get('a'), store.get('b'), store.get('c')], ['{ a }', undefined, '{ c }']);
  assert.equal(store.size, 2);
});

it('the APQ store drops the least recently used past its bytes, and keeps nothing too large', () => {
  const store = createApqStore({ maxEntries: 100, maxBytes: 10 });
  store.set('a', '12345');
  store.set('b', '12345');
  store.set('c', '123');
  assert.equal(store.get('a'), undefined);
  assert.equal(store.bytes, 8);
  store.set('big', '12345678901');
  assert.equal(store.get('big'), undefined);
  assert.ok(store.bytes <= 10);
});

it('the room hooks only the operation stage: the fast path stays on', () => {
  const room = createTrustedDocuments({
    mode: 'allow-arbitrary',
    apq: { enabled: true, maxEntries: 10, maxBytes: 1000 },
  });
  assert.deepEqual(roomsHookingPath([room], '/graphql'), []);
});

it('the fast path takes documents sent by id alone, and still leaves bodies without any to Yoga', () => {
  const byHash = { extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } };
  assert.deepEqual(paramsOf(JSON.stringify(byHash))?.extensions, byHash.extensions);
  assert.equal(paramsOf('{"documentId":"q1"}')?.documentId, 'q1');
  assert.equal(paramsOf('{"documentId":""}'), undefined);
  assert.equal(paramsOf('{"documentId":3}'), undefined);
  assert.equal(paramsOf('{"extensions":{}}'), undefined);
  assert.equal(paramsOf('{"query":""}'), undefined);
});
