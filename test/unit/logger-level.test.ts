/** `GATEHOUSE_LOG_LEVEL`: a valid level filters; a value that is not a level is named in a warning. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createLogger } from '../../gateway/logger/index.ts';

const saved = process.env.GATEHOUSE_LOG_LEVEL;
afterEach(() => {
  if (saved === undefined) delete process.env.GATEHOUSE_LOG_LEVEL;
  else process.env.GATEHOUSE_LOG_LEVEL = saved;
});

function capture(): { lines: string[]; write: (line: string) => void } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line) };
}

describe('GATEHOUSE_LOG_LEVEL', () => {
  it('filters by a valid level', () => {
    process.env.GATEHOUSE_LOG_LEVEL = 'error';
    const { lines, write } = capture();
    const logger = createLogger({ write });
    logger.warn('dropped');
    logger.error('kept');
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /ERROR kept/);
  });

  it('warns once about a value that is not a level, and logs at info', () => {
    process.env.GATEHOUSE_LOG_LEVEL = 'verbose';
    const { lines, write } = capture();
    const logger = createLogger({ write });
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /WARN .*GATEHOUSE_LOG_LEVEL="verbose" is not a level; using info/);
    logger.debug('dropped');
    logger.info('kept');
    assert.equal(lines.length, 2);
  });

  it('warns about a GATEHOUSE_LOG_FORMAT that is not a format, and keeps the configured one', () => {
    const { lines, write } = capture();
    const logger = createLogger({ write, format: 'pretty', env: { GATEHOUSE_LOG_FORMAT: 'JSON' } });
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /WARN .*GATEHOUSE_LOG_FORMAT="JSON" is not a format; using pretty/);
    logger.info('kept');
    assert.match(lines[1] ?? '', /INFO +kept/);
  });

  it('does not take a name of Object.prototype for a level', () => {
    process.env.GATEHOUSE_LOG_LEVEL = 'toString';
    const { lines, write } = capture();
    createLogger({ write }).info('kept');
    assert.match(lines[0] ?? '', /not a level/);
    assert.match(lines[1] ?? '', /INFO +kept/);
  });

  it('an explicit level wins over the environment, with no warning', () => {
    process.env.GATEHOUSE_LOG_LEVEL = 'nonsense';
    const { lines, write } = capture();
    createLogger({ level: 'silent', write }).error('dropped');
    assert.deepEqual(lines, []);
  });
});
