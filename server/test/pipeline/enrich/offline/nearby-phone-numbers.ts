/** A small deterministic generator (mulberry32), so a failure names numbers that come back on every run. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * National numbers near each country's example: the example with its last 1–all digits replaced, one digit shorter
 * and longer, so every type pattern and length check of the plan is reached, valid and not.
 */
export function nearbyNumbers(example: string, random: () => number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const keep = Math.floor(random() * example.length);
    const length = example.length + Math.floor(random() * 3) - 1;
    let digits = example.slice(0, Math.min(keep, length));
    while (digits.length < length) digits += String(Math.floor(random() * 10));
    out.push(digits);
  }
  return out;
}
