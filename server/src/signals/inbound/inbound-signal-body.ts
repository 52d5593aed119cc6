import { z } from 'zod';
import { domainFromWebsite } from '../../pipeline/enrich/offline/company-domain';

/** The largest body `POST /hooks/signals/:slug` reads; a larger one is refused (413) before any parsing. */
export const INBOUND_SIGNAL_MAX_BYTES = 256 * 1024;

/** Which record the sender means: a Salesforce id, a person's email (Contact, then Lead) or a company's domain. */
export const inboundRecordRefSchema = z.union([
  z.strictObject({ id: z.string().regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, 'must be a Salesforce record id') }),
  z.strictObject({ email: z.email().max(254) }),
  z.strictObject({
    domain: z
      .string()
      .max(253)
      .transform((value, ctx) => {
        // "https://www.Acme.com/" and "acme.com" name the same company: compare domains, not spellings.
        const domain = domainFromWebsite(value);
        if (!domain) ctx.addIssue({ code: 'custom', message: 'must be a company domain such as acme.com' });
        return domain ?? '';
      }),
  }),
]);
export type InboundRecordRef = z.infer<typeof inboundRecordRefSchema>;

/** What another system posts: its own event id (the idempotency key), the record, and the signal's content. */
export const inboundSignalBodySchema = z.strictObject({
  id: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  record: inboundRecordRefSchema,
  summary: z.string().trim().min(1).max(255),
  confidence: z.number().min(0).max(1),
  evidence: z.record(z.string(), z.unknown()).default({}),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type InboundSignalBody = z.infer<typeof inboundSignalBodySchema>;
