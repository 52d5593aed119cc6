/**
 * The identifiers an ad platform matches people on, normalised exactly as each platform's docs say and hashed with
 * SHA-256 (lowercase hex). Sources and golden values: docs/ad-audiences-reference.md §1, §2, §3.
 */
import { createHash } from 'node:crypto';
import type { FieldValue, RecordObject } from '../../../../domain/mirror-record';
import { countryToAlpha2 } from '../../../enrich/offline/country-code';
import { parsePhone } from '../../../enrich/offline/phone-number';

export type AdPlatform = 'google' | 'meta';

/** What one record offers a platform: each hash is 64 lowercase hex characters. */
export interface HashedIdentifiers {
  email?: string;
  phone?: string;
}

/** Record fields read for identifiers, per object (Accounts have no person to match). */
export const IDENTIFIER_FIELDS: Readonly<Record<Exclude<RecordObject, 'Account'>, readonly string[]>> = {
  Contact: ['Email', 'Phone', 'MobilePhone', 'MailingCountry'],
  Lead: ['Email', 'Phone', 'MobilePhone', 'Country'],
};

const COUNTRY_FIELDS = ['MailingCountry', 'Country'] as const;
const PHONE_FIELDS = ['Phone', 'MobilePhone'] as const;
// Meta's SDK strips these from both ends of an email before lowercasing (customaudiencemixin.py).
const META_EMAIL_EDGES = /^[ \t\r\n\0\x0B.]+|[ \t\r\n\0\x0B.]+$/g;
const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Google Customer Match: trim and lowercase (no Gmail dot removal: that rule is Enhanced Conversions'). */
export function normalizeEmailForGoogle(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  return LOOKS_LIKE_EMAIL.test(email) ? email : undefined;
}

/** Meta: trim (the SDK's whitespace-and-dot set) and lowercase. */
export function normalizeEmailForMeta(raw: string): string | undefined {
  const email = raw.replace(META_EMAIL_EDGES, '').toLowerCase();
  return LOOKS_LIKE_EMAIL.test(email) ? email : undefined;
}

/** Google wants E.164 with the `+`; Meta wants the same digits without it (country code, no leading zeros). */
export function normalizePhone(
  platform: AdPlatform,
  raw: string,
  recordRegion: string | undefined,
  defaultRegion: string,
): string | undefined {
  const parsed = parsePhone(raw, recordRegion, defaultRegion);
  if (!parsed) return undefined;
  return platform === 'google' ? parsed.e164 : parsed.e164.slice(1);
}

/** The hashed identifiers of one record; empty when it has no usable email and no valid phone. */
export function hashedIdentifiers(
  platform: AdPlatform,
  fields: Readonly<Record<string, FieldValue>>,
  defaultRegion: string,
): HashedIdentifiers {
  const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : undefined);
  const result: HashedIdentifiers = {};
  const rawEmail = text('Email');
  const email =
    rawEmail === undefined
      ? undefined
      : platform === 'google'
        ? normalizeEmailForGoogle(rawEmail)
        : normalizeEmailForMeta(rawEmail);
  if (email) result.email = sha256Hex(email);
  const region = COUNTRY_FIELDS.map((name) => countryToAlpha2(text(name))).find((code) => code !== undefined);
  for (const name of PHONE_FIELDS) {
    const raw = text(name);
    const phone = raw === undefined ? undefined : normalizePhone(platform, raw, region, defaultRegion);
    if (phone) {
      result.phone = sha256Hex(phone);
      break;
    }
  }
  return result;
}
