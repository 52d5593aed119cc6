import { describe, expect, it } from 'vitest';
import { MASK, maskSecrets, secretEncodings } from '../../src/lib/secret-mask';

// A key with characters each encoding writes differently: '/', '+', '=', '&', ' ' and a non-ASCII letter.
const KEY = 'sk/live+key=42&ü x';

describe('maskSecrets', () => {
  it.each([
    ['raw', KEY],
    ['URL-encoded (encodeURIComponent)', encodeURIComponent(KEY)],
    ['form-encoded (URLSearchParams)', new URLSearchParams({ k: KEY }).toString().slice(2)],
    ['base64', Buffer.from(KEY).toString('base64')],
    ['base64url', Buffer.from(KEY).toString('base64url')],
    ['JSON-escaped', JSON.stringify(`"${KEY}"`).slice(1, -1)],
  ])('when the key appears %s in a message, then it is masked', (_form, written) => {
    const masked = maskSecrets(`GET https://api.test/v2?api_key=${written} failed`, [KEY]);
    expect(masked).toContain(MASK);
    expect(masked).not.toContain(written);
    expect(masked).toMatch(/^GET https:\/\/api\.test\/v2\?api_key=.*failed$/);
  });

  it.each(['a', 'ab:', 'user:', 'me@x.test:'])(
    'when the key is inside a Basic auth header after %s, then its base64 run is masked',
    (before) => {
      const header = `Basic ${Buffer.from(`${before}${KEY}`).toString('base64')}`;
      const masked = maskSecrets(`authorization: ${header}`, [KEY]);
      expect(masked).toContain(MASK);
      // What is left of the base64 cannot be decoded back to the key.
      expect(Buffer.from(masked.replace(/.*Basic /, '').replace(MASK, ''), 'base64').toString()).not.toContain(
        'live+key',
      );
    },
  );

  it('when a secret is shorter than 4 characters or absent, then nothing is masked', () => {
    expect(maskSecrets('abc appears', ['abc', undefined])).toBe('abc appears');
    expect(secretEncodings('abc')).toEqual([]);
  });
});
