import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapWithLimit } from '../../schema/map-limit.ts';
import { restUrl } from '../../schema/rest/http.ts';
import { getPath, parseTemplate, renderTemplate, type Template } from '../../schema/rest/template.ts';

function parsed(text: string): Template {
  const template = parseTemplate(text);
  assert.ok(!('problems' in template), JSON.stringify(template));
  return template;
}

describe('REST templates', () => {
  const scope = {
    args: { id: 'a/b', tags: ['x', 'y'], input: { n: 3 }, empty: null },
    parent: { ownerId: 7 },
  };
  const read = (v: { scope: string; path: string[] }) => getPath(scope[v.scope as 'args'], v.path);

  it('renders variables of each scope, encoded', () => {
    const template = parsed('/users/{parent.ownerId}/things/{ args.id }');
    assert.equal(renderTemplate(template, read, encodeURIComponent), '/users/7/things/a%2Fb');
  });

  it('joins lists with commas and follows nested paths', () => {
    assert.equal(renderTemplate(parsed('{args.tags}'), read), 'x,y');
    assert.equal(renderTemplate(parsed('n={args.input.n}'), read), 'n=3');
  });

  it('renders nothing when a value is null or missing', () => {
    assert.equal(renderTemplate(parsed('{args.empty}'), read), undefined);
    assert.equal(renderTemplate(parsed('{args.input.missing}'), read), undefined);
    assert.equal(renderTemplate(parsed('literal'), read), 'literal');
  });

  it('reports malformed templates', () => {
    assert.ok('problems' in parseTemplate('/a/{args.id'));
    assert.ok('problems' in parseTemplate('/a/{args}'));
    assert.ok('problems' in parseTemplate('/a/{env.HOME}'));
  });
});

describe('REST URLs', () => {
  it('appends paths to the base URL path and adds query parameters', () => {
    assert.equal(restUrl('http://h/api/', '/a', []), 'http://h/api/a');
    assert.equal(restUrl('http://h/api', 'a', [['q', 'x y']]), 'http://h/api/a?q=x+y');
    assert.equal(restUrl('http://h', '/a?fixed=1', [['q', '2']]), 'http://h/a?fixed=1&q=2');
  });
});

describe('mapWithLimit', () => {
  it('keeps order, caps calls in flight and turns failures into errors', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithLimit([1, 2, 3, 4, 5], 2, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      if (n === 3) throw new Error('three');
      return n * 10;
    });
    assert.equal(most, 2);
    assert.deepEqual(results.slice(0, 2), [10, 20]);
    assert.ok(results[2] instanceof Error);
    assert.deepEqual(results.slice(3), [40, 50]);
  });
});
