import { describe, expect, it } from 'vitest';
import { parseJsonPath, readJsonPath } from '../../../../src/pipeline/enrich/providers/json-path';

describe('parseJsonPath', () => {
  it.each([
    ['$', []],
    ['$.person.email', ['person', 'email']],
    ['$.emails[0].address', ['emails', 0, 'address']],
    ['$["odd key"].x', ['odd key', 'x']],
    ["$['it\\'s']", ["it's"]],
  ])('when the path is %s, then its steps are %j', (source, steps) => {
    expect(parseJsonPath(source)).toEqual({ ok: true, path: steps });
  });

  it.each([['person.email'], ['$.person..email'], ['$.emails[*]'], ['$.a b']])(
    'when the path is %s, then it is refused with a message naming it',
    (source) => {
      const parsed = parseJsonPath(source);
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.message).toContain(source);
    },
  );
});

describe('readJsonPath', () => {
  const body = { person: { emails: [{ address: 'a@b.co' }] }, list: [1, 2] };

  it('when every step exists, then the value is returned', () => {
    expect(readJsonPath(body, ['person', 'emails', 0, 'address'])).toBe('a@b.co');
  });

  it('when a step is missing or of the wrong kind, then the value is undefined', () => {
    expect(readJsonPath(body, ['person', 'phones', 0])).toBeUndefined();
    expect(readJsonPath(body, ['list', 'length'])).toBeUndefined();
    expect(readJsonPath(body, ['person', 'toString'])).toBeUndefined();
  });
});
