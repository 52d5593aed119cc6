/**
 * Pub/Sub change events carry `changedFields`, `nulledFields` and `diffFields` as bitmaps over the writer
 * schema instead of names: the first element `0x…` sets bit i for top-level field i (0 is ChangeEventHeader);
 * each `n-0x…` element sets bit j for component j of the compound at top-level index n. Hex digits are
 * upper case and padded to whole bytes, as in Salesforce's samples (`0x0320`, `0x400000`, `4-0x01`).
 */
export interface BitmapLayout {
  /** Top-level field names in schema order (index 0 = ChangeEventHeader). */
  topLevel: string[];
  /** Component names per compound field name, in record order. */
  components: Map<string, string[]>;
}

export function encodeFieldBitmap(fieldNames: readonly string[], layout: BitmapLayout): string[] {
  let top = 0n;
  const nested = new Map<number, bigint>();
  for (const name of fieldNames) {
    const dot = name.indexOf('.');
    if (dot < 0) {
      const index = layout.topLevel.indexOf(name);
      if (index >= 0) top |= 1n << BigInt(index);
      continue;
    }
    const compound = name.slice(0, dot);
    const parent = layout.topLevel.indexOf(compound);
    const child = layout.components.get(compound)?.indexOf(name.slice(dot + 1)) ?? -1;
    if (parent < 0 || child < 0) continue;
    nested.set(parent, (nested.get(parent) ?? 0n) | (1n << BigInt(child)));
  }
  if (top === 0n && nested.size === 0) return [];
  // Readers take the first element as the top-level map, so it is present (0x00) even when only components changed.
  const out = [hex(top)];
  for (const [parent, bits] of [...nested].sort((a, b) => a[0] - b[0])) out.push(`${parent}-${hex(bits)}`);
  return out;
}

function hex(bits: bigint): string {
  const digits = bits.toString(16).toUpperCase();
  return `0x${digits.length % 2 ? `0${digits}` : digits}`;
}
