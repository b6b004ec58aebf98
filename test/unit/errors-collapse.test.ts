/** collapseErrors: identical located errors become one; the number of errors is capped. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphQLError, type OperationDefinitionNode, parse } from 'graphql';
import { gatewayError, isGatewayError } from '../../core/errors.ts';
import { collapseErrors } from '../../gateway/errors/collapse.ts';

const error = (code: string, path?: Array<string | number>, serviceName = 'a') =>
  new GraphQLError(`${code} failed`, { path, extensions: { code, serviceName } });

describe('collapseErrors', () => {
  it('gives the collapsed error the path and the locations of the same error, the first in result order', () => {
    const document = parse('{ me { email } user { email } }');
    const [me, user] = (document.definitions[0] as OperationDefinitionNode).selectionSet.selections;
    const refused = (node: typeof me, path: string[]) =>
      gatewayError('FORBIDDEN', 'the caller may not see this field', { path, nodes: [node!] });
    // The engine raised `user`'s first; `me` comes first in the result.
    const { errors } = collapseErrors(
      [refused(user, ['user', 'email']), refused(me, ['me', 'email'])],
      { maxPaths: 100, maxErrors: 100 },
      { me: { email: null }, user: { email: null } },
    );
    assert.equal(errors.length, 1);
    assert.deepEqual(errors[0]?.path, ['me', 'email']);
    assert.deepEqual(errors[0]?.locations, [{ line: 1, column: 3 }]);
  });

  it("keeps the gateway's mark on collapsed gateway errors, and never gives it to a subgraph's", () => {
    const down = (i: number) =>
      gatewayError('SUBGRAPH_UNAVAILABLE', 'a is down', { serviceName: 'a', path: ['list', i] });
    const sent = (i: number) =>
      new GraphQLError('a is down', {
        path: ['other', i],
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'a' },
      });
    const { errors } = collapseErrors([down(0), down(1), sent(0), sent(1)], {
      maxPaths: 100,
      maxErrors: 100,
    });
    assert.equal(errors.length, 2);
    assert.deepEqual(
      errors.map((e) => [isGatewayError(e), e.extensions.paths]),
      [
        [
          true,
          [
            ['list', 0],
            ['list', 1],
          ],
        ],
        [
          false,
          [
            ['other', 0],
            ['other', 1],
          ],
        ],
      ],
    );
  });

  it('keeps errors that differ by code, service or message, and those without a path, apart', () => {
    const { errors, omitted } = collapseErrors(
      [
        error('X', ['a', 0]),
        error('Y', ['a', 1]),
        error('X', ['a', 2], 'b'),
        error('X'),
        error('X'),
        error('X', ['a', 3]),
      ],
      { maxPaths: 100, maxErrors: 100 },
    );
    assert.equal(omitted, 0);
    assert.deepEqual(
      errors.map((e) => [e.extensions.code, e.extensions.serviceName, e.path, e.extensions.paths]),
      [
        [
          'X',
          'a',
          ['a', 0],
          [
            ['a', 0],
            ['a', 3],
          ],
        ],
        ['Y', 'a', ['a', 1], undefined],
        ['X', 'b', ['a', 2], undefined],
        ['X', 'a', undefined, undefined],
        ['X', 'a', undefined, undefined],
      ],
    );
  });

  it('gives the first path in result order: list items by index, fields in the order of the data', () => {
    const data = { a: [{ x: null }, { x: null }, { x: null }], b: [{ x: null }] };
    const { errors } = collapseErrors(
      [
        error('X', ['b', 0, 'x']),
        error('X', ['a', 2, 'x']),
        error('X', ['a', 10, 'x']),
        error('X', ['a', 1, 'x']),
      ],
      { maxPaths: 100, maxErrors: 100 },
      data,
    );
    assert.equal(errors.length, 1);
    assert.deepEqual(errors[0]?.path, ['a', 1, 'x']);
    assert.deepEqual(errors[0]?.extensions.paths, [
      ['a', 1, 'x'],
      ['a', 2, 'x'],
      ['a', 10, 'x'],
      ['b', 0, 'x'],
    ]);
  });

  it('keeps at most maxErrors errors and counts the others', () => {
    const many = Array.from({ length: 5 }, (_, i) => error(`E${i}`, ['f', i]));
    const { errors, omitted } = collapseErrors(many, { maxPaths: 100, maxErrors: 3 });
    assert.deepEqual(
      errors.map((e) => e.extensions.code),
      ['E0', 'E1', 'E2'],
    );
    assert.equal(omitted, 2);
  });
});
