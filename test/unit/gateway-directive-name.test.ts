/**
 * The local name of a gateway directive: `@rateLimit` by default, renamed by its import's `as`
 * or the link's `as`; each linked version is reported (the rate-limit index refuses one it does
 * not read). Links to other specs are not read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'graphql';
import { linkedDirectiveName } from '../../schema/federation/gateway-directives.ts';

const doc = (link: string) =>
  parse(`${link === '' ? '' : `extend schema ${link}\n`}type Query { a: String }`);

describe('gateway directive names', () => {
  it('reads the default, an import renamed, the link renamed, and each version linked', () => {
    assert.equal(linkedDirectiveName(doc(''), 'rateLimit'), 'rateLimit');
    assert.equal(
      linkedDirectiveName(
        doc('@link(url: "https://gatehouse.dev/rateLimit/v0.1", import: ["@rateLimit"])'),
        'rateLimit',
      ),
      'rateLimit',
    );
    assert.equal(
      linkedDirectiveName(
        doc(
          '@link(url: "https://gatehouse.dev/rateLimit/v0.1", import: [{ name: "@rateLimit", as: "@limit" }])',
        ),
        'rateLimit',
      ),
      'limit',
    );
    const versions: string[] = [];
    assert.equal(
      linkedDirectiveName(
        doc('@link(url: "https://gatehouse.dev/cacheControl/v0.2", as: "cc")'),
        'cacheControl',
        (_url, v) => versions.push(v),
      ),
      'cc',
    );
    assert.deepEqual(versions, ['v0.2']);
    assert.equal(
      linkedDirectiveName(
        doc('@link(url: "https://example.com/cacheControl/v1.0", as: "cc")'),
        'cacheControl',
      ),
      'cacheControl',
    );
  });
});
