import type { Rng } from './prng';

/**
 * LinkedIn profile URLs as people paste them: with and without scheme or `www`, country subdomains, tracking
 * parameters, trailing slashes, the legacy `/pub/` form, company pages and plain junk. A URL field stores any text
 * up to 255 characters, so all of these are insertable.
 */

const JUNK_LINKEDIN = ['n/a', 'linkedin', 'LinkedIn profile', 'https://www.linkedin.com/', 'www.linkedin.com/in/'];

export function linkedinUrlFor(rng: Rng, first: string, last: string, salt: number): string {
  const handle = first === '' ? last : first + '-' + last;
  const roll = rng.int(100);
  if (roll < 30) return 'https://www.linkedin.com/in/' + handle;
  if (roll < 45) return 'https://www.linkedin.com/in/' + handle + '/';
  if (roll < 55) return 'linkedin.com/in/' + handle + '/';
  if (roll < 63) return 'www.linkedin.com/in/' + handle + '-' + ((salt % 9000) + 1000).toString(16);
  if (roll < 70) return 'http://linkedin.com/in/' + handle;
  if (roll < 77) return 'https://uk.linkedin.com/in/' + handle + '?trk=public_profile_browsemap';
  if (roll < 82) return 'https://www.linkedin.com/in/' + handle + '?utm_source=share&utm_medium=member_desktop';
  if (roll < 86) return 'https://LinkedIn.com/in/' + handle.toUpperCase();
  if (roll < 90)
    return 'https://www.linkedin.com/pub/' + handle + '/' + ((salt % 90) + 10) + '/' + ((salt % 900) + 100) + '/b1';
  if (roll < 94) return 'https://de.linkedin.com/in/' + handle + '/de';
  if (roll < 97) return 'https://www.linkedin.com/company/' + last;
  return rng.pick(JUNK_LINKEDIN);
}
