import type { Rng } from './prng';

/**
 * How a company's website is typed into a Website field: schemes, `www`, trailing paths, capitals, and a share of
 * values no parser can turn into a domain ("acme", "http://", "www.acme..com"). Website is a URL field, which
 * Salesforce stores as text without checking its shape.
 */

export function websiteFor(rng: Rng, domain: string): string {
  const roll = rng.int(100);
  if (roll < 28) return 'https://www.' + domain;
  if (roll < 44) return domain;
  if (roll < 56) return 'www.' + domain;
  if (roll < 66) return 'http://' + domain;
  if (roll < 74) return 'https://' + domain + '/';
  if (roll < 78) return 'http://www.' + domain + '/en-us/home';
  if (roll < 81) return 'WWW.' + domain.toUpperCase();
  if (roll < 84) return 'https://www.' + domain + '/?utm_source=google';
  return badWebsiteFor(rng, domain);
}

/** A website value from which no domain can be recovered, or one that needs repair first. */
export function badWebsiteFor(rng: Rng, domain: string): string {
  const dot = domain.indexOf('.');
  const stem = dot < 0 ? domain : domain.slice(0, dot);
  switch (rng.int(8)) {
    case 0:
      return stem;
    case 1:
      return 'http://';
    case 2:
      return 'www.' + stem + '..com';
    case 3:
      return 'htp://' + domain;
    case 4:
      return 'info@' + domain;
    case 5:
      return 'N/A';
    case 6:
      return 'https:/' + domain;
    default:
      return domain + ', ' + stem + '.net';
  }
}
