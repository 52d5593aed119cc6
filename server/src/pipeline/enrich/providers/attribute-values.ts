/**
 * Turns what a provider's reply says into AttributeValues: only wanted keys, only values that pass
 * `valueSchemaFor(key)`, confidence clamped to 0..1. A value of the wrong kind (a phone under an email key) is
 * dropped here rather than stored; the waterfall then looks for it elsewhere.
 */
import { valueSchemaFor, type AttributeKey, type AttributeValue } from '../../../domain/attributes';
import type { ProviderId } from './provider-contract';

export type Candidate = { value: unknown; confidence: number };
export type Candidates = Partial<Record<AttributeKey, Candidate>>;

export function toAttributeValues(
  provider: ProviderId,
  candidates: Candidates,
  wanted: readonly AttributeKey[],
  now: Date,
): AttributeValue[] {
  const fetchedAt = now.toISOString();
  const values: AttributeValue[] = [];
  for (const key of new Set(wanted)) {
    const candidate = candidates[key];
    if (!candidate) continue;
    const checked = valueSchemaFor(key).safeParse(candidate.value);
    if (!checked.success) continue;
    values.push({ key, value: checked.data, provider, confidence: clampConfidence(candidate.confidence), fetchedAt });
  }
  return values;
}

export function clampConfidence(confidence: number): number {
  if (!Number.isFinite(confidence)) return 0;
  return Math.min(1, Math.max(0, confidence));
}

/** Adds a candidate only when the key has none yet, so the first (best) source of a value wins. */
export function offer(candidates: Candidates, key: AttributeKey, value: unknown, confidence: number): void {
  if (value === undefined || value === null || value === '' || candidates[key]) return;
  if (!valueSchemaFor(key).safeParse(value).success) return;
  candidates[key] = { value, confidence };
}
