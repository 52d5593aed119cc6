/** What a masked secret reads as in reasons, errors and logs. */
export const MASK = '[redacted]';

/** Secrets shorter than this are not masked: replacing "ab" everywhere would garble every message. */
const MIN_SECRET_LENGTH = 4;
/** A base64 fragment shorter than this says too little to be worth masking (and would hit innocent text). */
const MIN_BASE64_FRAGMENT = 6;

const toBase64Url = (base64: string): string => base64.replace(/\+/g, '-').replace(/\//g, '_');

/**
 * The base64 forms of `secret` as it can appear inside a longer base64 text (a Basic auth header encodes
 * `user:key`): the secret may start at any of the three byte offsets of a base64 group, so each offset gives a
 * different run of characters. Only the characters that depend on the secret's bytes alone are kept.
 */
function base64Fragments(secret: Buffer): string[] {
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const padded = Buffer.concat([Buffer.alloc(offset), secret]);
    const encoded = padded.toString('base64').replace(/=+$/, '');
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor((padded.length * 8) / 6);
    const fragment = encoded.slice(first, last);
    if (fragment.length >= MIN_BASE64_FRAGMENT) fragments.push(fragment);
  }
  return fragments;
}

/**
 * Every way a secret is commonly written on the wire: as is, JSON-escaped, URL-encoded (encodeURIComponent, and the form encoding
 * of URLSearchParams with `+` for spaces), base64 and base64url (whole, and as a fragment of a longer base64 text).
 * Longest first, so a longer encoding is masked before a shorter one inside it.
 */
export function secretEncodings(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = base64Fragments(bytes);
  const forms = new Set<string>([
    secret,
    // As a JSON string writes it (a log line is JSON): quotes and backslashes escaped.
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    ...base64,
    ...base64.map(toBase64Url),
  ]);
  return [...forms].sort((a, b) => b.length - a.length);
}

/** `text` with every encoding of every secret replaced by [redacted]. */
export function maskSecrets(text: string, secrets: readonly (string | undefined)[] | undefined): string {
  let masked = text;
  for (const secret of secrets ?? []) {
    if (!secret) continue;
    for (const form of secretEncodings(secret)) masked = masked.split(form).join(MASK);
  }
  return masked;
}
