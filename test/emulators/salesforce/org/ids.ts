/** Salesforce ids: 15 case-sensitive characters plus a 3-character case-folding checksum. */
const CHECKSUM_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function checksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += CHECKSUM_CHARS[bits];
  }
  return out;
}

export function to18(id15: string): string {
  return id15 + checksum(id15);
}

/** Normalises a 15- or 18-character id to 18 characters; undefined when it is not a well-formed id. */
export function normalizeId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value)) return undefined;
  const id15 = value.slice(0, 15);
  if (value.length === 18 && value.slice(15).toUpperCase() !== checksum(id15)) return undefined;
  return to18(id15);
}

function base62(n: number, width: number): string {
  let s = '';
  let v = n;
  do {
    s = BASE62[v % 62] + s;
    v = Math.floor(v / 62);
  } while (v > 0);
  return s.padStart(width, '0');
}

/** Id factory: `<prefix><pod 2><counter 10>` + checksum, e.g. `003Hs00000000001AAA`. */
export class IdFactory {
  private readonly counters = new Map<string, number>();

  constructor(private readonly pod = 'Hs') {}

  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return to18(prefix + this.pod + base62(n, 10));
  }
}

/** Stable prefix for the i-th custom object (`a00`, `a01`, …) or platform event (`e00`, …). */
export function customPrefix(letter: 'a' | 'e', index: number): string {
  return letter + base62(index, 2);
}
