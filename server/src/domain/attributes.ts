import { z } from 'zod';

/** Record attributes a signal writes (DESIGN.md §8), through the field maps' rules like any attribute. */
export const SIGNAL_ATTRIBUTE_KEYS = [
  'signal.job_change_at',
  'signal.previous_company',
  'company.open_roles',
  'company.last_funding_round',
  'company.last_funding_amount',
  'company.last_funding_date',
] as const;

/**
 * The one list of attribute keys (DESIGN.md §8). Field maps, plans, providers and tests all name attributes by these
 * keys; adding an attribute starts here.
 */
export const ATTRIBUTE_KEYS = [
  'person.email_normalized',
  'person.email_status',
  'person.work_email',
  'person.phone_e164',
  'person.phone_type',
  'person.direct_phone',
  'person.mobile_phone',
  'person.first_name',
  'person.last_name',
  'person.title',
  'person.seniority',
  'person.department',
  'person.linkedin_url',
  'person.current_company_domain',
  'company.domain',
  'company.industry',
  'company.employee_count',
  ...SIGNAL_ATTRIBUTE_KEYS,
] as const;

export const attributeKeySchema = z.enum(ATTRIBUTE_KEYS);
export type AttributeKey = z.infer<typeof attributeKeySchema>;

/** Ordered from most to least senior, so callers can compare ranks by index. */
export const SENIORITIES = ['C-Level', 'VP', 'Director', 'Manager', 'Senior', 'Entry'] as const;
export type Seniority = (typeof SENIORITIES)[number];

export const DEPARTMENTS = [
  'Executive',
  'Sales',
  'Marketing',
  'Engineering',
  'Product',
  'Finance',
  'HR',
  'Operations',
  'IT',
  'Legal',
  'Support',
  'Other',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** The first five come from offline checks (first that applies wins); the last three only from a verifier. */
export const EMAIL_STATUSES = [
  'invalid',
  'disposable',
  'role',
  'personal',
  'valid_format',
  'verified',
  'risky',
  'undeliverable',
] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export const PHONE_TYPES = ['mobile', 'fixed_line', 'fixed_line_or_mobile', 'toll_free', 'voip', 'other'] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];

export type AttributeValueKind =
  'email' | 'enum' | 'e164' | 'text' | 'url' | 'domain' | 'number' | 'currency' | 'date' | 'datetime';

export type AttributeSpec =
  | { readonly kind: 'enum'; readonly allowed: readonly string[] }
  | { readonly kind: Exclude<AttributeValueKind, 'enum'> };

export const ATTRIBUTE_SPECS: { readonly [K in AttributeKey]: AttributeSpec } = {
  'person.email_normalized': { kind: 'email' },
  'person.email_status': { kind: 'enum', allowed: EMAIL_STATUSES },
  'person.work_email': { kind: 'email' },
  'person.phone_e164': { kind: 'e164' },
  'person.phone_type': { kind: 'enum', allowed: PHONE_TYPES },
  'person.direct_phone': { kind: 'e164' },
  'person.mobile_phone': { kind: 'e164' },
  'person.first_name': { kind: 'text' },
  'person.last_name': { kind: 'text' },
  'person.title': { kind: 'text' },
  'person.seniority': { kind: 'enum', allowed: SENIORITIES },
  'person.department': { kind: 'enum', allowed: DEPARTMENTS },
  'person.linkedin_url': { kind: 'url' },
  'person.current_company_domain': { kind: 'domain' },
  'company.domain': { kind: 'domain' },
  'company.industry': { kind: 'text' },
  'company.employee_count': { kind: 'number' },
  'signal.job_change_at': { kind: 'datetime' },
  'signal.previous_company': { kind: 'text' },
  'company.open_roles': { kind: 'number' },
  'company.last_funding_round': { kind: 'text' },
  'company.last_funding_amount': { kind: 'currency' },
  'company.last_funding_date': { kind: 'date' },
};

// Deliberately loose shape checks: they catch a provider putting the wrong kind of value under a key, not every
// malformed address (the offline classifiers do the strict work).
const domainPattern =
  /^(?=.{1,253}$)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:[\p{L}]{2,63}|xn--[a-z0-9-]{1,59})$/u;

const valueSchemaByKind: { readonly [K in Exclude<AttributeValueKind, 'enum'>]: z.ZodType<string | number> } = {
  email: z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address'),
  e164: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +14155550132'),
  text: z.string().trim().min(1),
  url: z.url({ protocol: /^https?$/ }),
  domain: z.string().regex(domainPattern, 'must be a domain such as acme.com'),
  number: z.number(), // zod 4 numbers already reject Infinity and NaN
  currency: z.number(),
  date: z.iso.date(),
  datetime: z.iso.datetime({ offset: true }),
};

/** The schema a value must pass to be stored under `key` (the waterfall keeps the first value that passes). */
export function valueSchemaFor(key: AttributeKey): z.ZodType<string | number> {
  const spec = ATTRIBUTE_SPECS[key];
  return spec.kind === 'enum' ? z.enum(spec.allowed as [string, ...string[]]) : valueSchemaByKind[spec.kind];
}

/** Who produced a value: 'offline' for the built-in computations, otherwise a provider id such as 'hunter'. */
export type AttributeProvider = 'offline' | (string & {});

export const attributeValueSchema = z
  .object({
    key: attributeKeySchema,
    value: z.union([z.string(), z.number()]),
    provider: z.string().min(1),
    confidence: z.number().min(0).max(1),
    fetchedAt: z.iso.datetime({ offset: true }),
    cost: z.number().min(0).optional(),
  })
  .superRefine((attribute, context) => {
    const checked = valueSchemaFor(attribute.key).safeParse(attribute.value);
    if (!checked.success) {
      context.addIssue({
        code: 'custom',
        path: ['value'],
        message: `not a valid ${attribute.key}: ${checked.error.issues[0]?.message ?? 'wrong kind of value'}`,
      });
    }
  });

export type AttributeValue = {
  key: AttributeKey;
  value: string | number;
  provider: AttributeProvider;
  /** 0..1: how far the value can be trusted (1 = deterministic). */
  confidence: number;
  /** ISO 8601 time the value was computed or fetched. */
  fetchedAt: string;
  /**
   * Credits this enrichment paid for the provider call that produced the value (every value of one call carries the
   * call's full charge). 0 for a cache hit (bought earlier, free now); absent for values no provider call produced
   * (offline, CSV), which count as 0.
   */
  cost?: number;
};
