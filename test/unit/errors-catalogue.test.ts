/** The README's table of error codes lists every code of the catalogue, with its HTTP status. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ErrorCodes } from '../../core/errors.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the error catalogue in the README', () => {
  it('has a row for every code, with its status', () => {
    const rows = new Map(
      [...README.matchAll(/^\| `([A-Z_]+)` +\| (\d{3})/gm)].map((m) => [m[1], Number(m[2])] as const),
    );
    const wrong = Object.entries(ErrorCodes)
      .filter(([code, { status }]) => rows.get(code) !== status)
      .map(([code, { status }]) => `${code}: ${status}, README ${rows.get(code) ?? 'none'}`);
    assert.deepEqual(wrong, []);
    assert.deepEqual(
      [...rows.keys()].filter((code) => !Object.hasOwn(ErrorCodes, code!)),
      [],
    );
  });
});
