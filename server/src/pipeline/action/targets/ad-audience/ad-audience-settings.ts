/**
 * `Settings__c` of an `Ad_Audience` action: which platform, and for Google the customer that owns the user list.
 * `Target__c` holds the list itself: the Google user list id or the Meta custom audience id (digits).
 */
import { z } from 'zod';

/** Google writes customer ids as 123-456-7890; the API wants the digits. */
const googleCustomerId = z
  .string()
  .trim()
  .regex(/^\d{3}-?\d{3}-?\d{4}$/, 'must be a Google Ads customer id such as 123-456-7890')
  .transform((value) => value.replace(/-/g, ''));

export const adAudienceSettingsSchema = z.discriminatedUnion('platform', [
  z.strictObject({
    platform: z.literal('google'),
    /** The customer owning the list; default GOOGLE_ADS_LOGIN_CUSTOMER_ID (an account without a manager). */
    customerId: googleCustomerId.optional(),
  }),
  z.strictObject({ platform: z.literal('meta') }),
]);

export type AdAudienceSettings = z.infer<typeof adAudienceSettingsSchema>;

const LIST_ID = /^\d{1,20}$/;

/** `Target__c` as a list id, or the reason it is not one. */
export function readListId(target: string): { ok: true; id: string } | { ok: false; reason: string } {
  const id = target.trim();
  return LIST_ID.test(id)
    ? { ok: true, id }
    : { ok: false, reason: `Target__c must be the user list or custom audience id (digits), got "${id.slice(0, 40)}"` };
}
