import { describe, expect, it } from 'vitest';
import { normalizeLinkedInUrl, profileUrlByUrl } from '../../../../src/pipeline/enrich/offline/linkedin-url';

describe('normalizeLinkedInUrl', () => {
  it.each([
    ['https://www.linkedin.com/in/jane-doe'],
    ['https://www.linkedin.com/in/jane-doe/'],
    ['http://www.linkedin.com/in/jane-doe'],
    ['https://linkedin.com/in/jane-doe'],
    ['www.linkedin.com/in/jane-doe'],
    ['linkedin.com/in/jane-doe'],
    ['https://uk.linkedin.com/in/jane-doe'],
    ['https://de.linkedin.com/in/jane-doe/?locale=en_US'],
    ['https://www.linkedin.com/in/jane-doe?trk=public_profile#about'],
    ['https://www.linkedin.com/in/jane-doe/details/experience/'],
    ['HTTPS://WWW.LINKEDIN.COM/IN/Jane-Doe'],
    ['  https://www.linkedin.com/in/jane-doe  '],
  ])('when the URL is "%s", then it becomes the canonical profile URL', (raw) => {
    expect(normalizeLinkedInUrl(raw)).toBe('https://www.linkedin.com/in/jane-doe');
  });

  it('when the handle has non-Latin letters, then they are kept (percent-encoded)', () => {
    expect(normalizeLinkedInUrl('https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller')).toBe(
      'https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller',
    );
  });

  it.each([
    ['https://www.linkedin.com/company/acme'],
    ['https://www.linkedin.com/school/stanford-university/'],
    ['https://www.linkedin.com/pub/jane-doe/1/2/3'],
    ['https://www.linkedin.com/in/'],
    ['https://www.linkedin.com/'],
    ['https://lnkd.in/abc123'],
    ['https://twitter.com/in/jane-doe'],
    ['https://notlinkedin.com/in/jane-doe'],
    ['https://linkedin.com.evil.example/in/jane-doe'],
    ['ftp://www.linkedin.com/in/jane-doe'],
    ['https://www.linkedin.com/in/a b'],
    ['jane-doe'],
    [''],
    [null],
  ])('when the value is %j, then there is no profile URL', (raw) => {
    expect(normalizeLinkedInUrl(raw)).toBeUndefined();
  });
});

describe('normalizeLinkedInUrl without a URL object', () => {
  it('gives the URL parser’s answer for profile URLs as people paste them, and for ones that are not', () => {
    const handles = [
      'jane-doe',
      'Jane_Doe-1a2b',
      'jd',
      'x'.repeat(100),
      'x'.repeat(101),
      'j%C3%BCrgen',
      'jürgen',
      'a.b',
    ];
    const starts = ['', 'https://', 'http://', 'HTTPS://', 'ftp://', '//', 'www.', 'https://www.', 'http://WWW.'];
    const hosts = ['linkedin.com', 'LinkedIn.com', 'uk.linkedin.com', 'linkedin.co', 'notlinkedin.com'];
    const sections = ['/in/', '/IN/', '/pub/', '/in//', '/company/'];
    const ends = ['', '/', '//', '?trk=x', '/de', '#about', ' ', '/ '];
    let compared = 0;
    const differing: string[] = [];
    for (const start of starts) {
      for (const host of hosts) {
        for (const section of sections) {
          for (const handle of handles) {
            for (const end of ends) {
              const text = `${start}${host}${section}${handle}${end}`;
              const expected = profileUrlByUrl(text.trim());
              compared += 1;
              if (normalizeLinkedInUrl(text) !== expected) differing.push(text);
            }
          }
        }
      }
    }
    expect(differing).toEqual([]);
    expect(compared).toBeGreaterThan(10_000);
  });
});
