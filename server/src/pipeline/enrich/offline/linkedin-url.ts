const PROFILE_URL_PREFIX = 'https://www.linkedin.com/in/';
// Public profile handles: letters (any script), digits, hyphens and underscores; LinkedIn allows 3–100 characters.
const HANDLE_PATTERN = /^[\p{L}\p{N}_-]{3,100}$/u;

/**
 * `person.linkedin_url`: a personal profile URL in the form https://www.linkedin.com/in/<handle>. Accepts http, a
 * missing scheme or www, country sub-domains (uk.linkedin.com), trailing slashes, sub-pages, query strings and
 * fragments. The handle is lower-cased (LinkedIn handles are case-insensitive). Company, school and other pages,
 * short links and non-LinkedIn hosts give undefined.
 */
export function normalizeLinkedInUrl(raw: string | null | undefined): string | undefined {
  const text = raw?.trim() ?? '';
  if (text === '') return undefined;
  const plain = PLAIN_PROFILE_URL.exec(text);
  if (plain) return PROFILE_URL_PREFIX + (plain[1] as string).toLowerCase();
  return profileUrlByUrl(text);
}

/**
 * The shape most CRM values have ("https://www.linkedin.com/in/jane-doe/", "linkedin.com/in/jane-doe"), read without
 * a URL object (issue 19): an ASCII handle needs no decoding or encoding, so it is `profileUrlByUrl`'s answer
 * (linkedin-url.test.ts compares the two).
 */
const PLAIN_PROFILE_URL = /^(?:https?:\/\/)?(?:www\.)?linkedin\.com\/in\/([A-Za-z0-9_-]{3,100})\/?$/i;

/** The general reading of a trimmed, non-blank value, through the URL parser. Exported for the comparison test. */
export function profileUrlByUrl(text: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = url.hostname.replace(/\.$/, '');
  if (host !== 'linkedin.com' && !host.endsWith('.linkedin.com')) return undefined;
  const [section, encodedHandle] = url.pathname.split('/').filter((segment) => segment !== '');
  if (section?.toLowerCase() !== 'in' || encodedHandle === undefined) return undefined;
  const handle = decodeHandle(encodedHandle);
  if (handle === undefined || !HANDLE_PATTERN.test(handle)) return undefined;
  return PROFILE_URL_PREFIX + encodeURIComponent(handle.toLowerCase());
}

function decodeHandle(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
