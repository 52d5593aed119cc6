import type { RecordObject } from '../../domain/mirror-record';
import { selectQuery } from './select-query';
import { idEquals, textContains, textIn } from './where';

/**
 * Queries that find the record an inbound signal names. Every value arrives as an escaped literal inside a WHERE
 * clause (never pasted); a small LIMIT is enough to tell "one", "none" and "ambiguous" apart.
 */
export function recordByIdQuery(object: RecordObject, id: string): string {
  return selectQuery({ object, fields: ['Id'], where: idEquals('Id', id), limit: 1 });
}

/** Contacts or Leads with this email (Salesforce compares it without regard to case). */
export function recordsByEmailQuery(object: 'Contact' | 'Lead', email: string): string {
  return selectQuery({ object, fields: ['Id', 'Email'], where: textIn('Email', [email]), limit: 2 });
}

/** Accounts whose Website mentions the domain; the caller keeps those whose website's domain is exactly it. */
export function accountsByWebsiteQuery(domain: string): string {
  return selectQuery({
    object: 'Account',
    fields: ['Id', 'Website'],
    where: textContains('Website', domain),
    orderBy: { field: 'CreatedDate', order: 'ASC' },
    limit: 20,
  });
}
