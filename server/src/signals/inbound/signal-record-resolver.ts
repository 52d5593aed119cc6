import type { RecordObject } from '../../domain/mirror-record';
import { objectOfRecordId } from '../../domain/record-key-prefix';
import { domainFromWebsite } from '../../pipeline/enrich/offline/company-domain';
import type { OrgClient } from '../../salesforce/org-client';
import {
  accountsByWebsiteQuery,
  recordByIdQuery,
  recordsByEmailQuery,
} from '../../salesforce/selectors/signal-record-selectors';
import type { InboundRecordRef } from './inbound-signal-body';

/** The record a signal lands on, or why there is none (the route answers 202 anyway and counts the reason). */
export type RecordResolution =
  { found: true; object: RecordObject; recordId: string } | { found: false; reason: UnresolvedReason; detail: string };

export type UnresolvedReason = 'not_found' | 'ambiguous' | 'wrong_object';

export interface SignalRecordResolver {
  /** `object`: the rule's object when it names one (the record must be of it); else any of the three. */
  resolve(ref: InboundRecordRef, object: RecordObject | undefined): Promise<RecordResolution>;
}

/**
 * Finds the record an inbound signal names, in the org: an id by its key prefix and a read of that record; an email
 * among Contacts first, then Leads; a domain among Accounts whose Website has that domain. Two matches are
 * ambiguous and fire nothing: a signal on the wrong person is worse than none (the sender can name the id).
 */
export class OrgSignalRecordResolver implements SignalRecordResolver {
  constructor(private readonly org: OrgClient) {}

  async resolve(ref: InboundRecordRef, object: RecordObject | undefined): Promise<RecordResolution> {
    if ('id' in ref) return this.byId(ref.id, object);
    if ('email' in ref) return this.byEmail(ref.email, object);
    return this.byDomain(ref.domain, object);
  }

  private async byId(id: string, expected: RecordObject | undefined): Promise<RecordResolution> {
    const object = objectOfRecordId(id);
    if (!object) return notFound('not_found', 'the id is not a Contact, Lead or Account id');
    if (expected && object !== expected) {
      return notFound('wrong_object', `the id is a ${object}; this rule watches ${expected}`);
    }
    const rows = await this.org.query<{ Id: string }>(recordByIdQuery(object, id));
    const row = rows[0];
    return row ? { found: true, object, recordId: row.Id } : notFound('not_found', `no ${object} has this id`);
  }

  private async byEmail(email: string, expected: RecordObject | undefined): Promise<RecordResolution> {
    if (expected === 'Account') return notFound('wrong_object', 'an email names a person; this rule watches Account');
    const objects = expected ? [expected] : (['Contact', 'Lead'] as const);
    for (const object of objects) {
      const rows = await this.org.query<{ Id: string }>(recordsByEmailQuery(object, email));
      if (rows.length > 1) return notFound('ambiguous', `more than one ${object} has this email`);
      if (rows[0]) return { found: true, object, recordId: rows[0].Id };
    }
    return notFound('not_found', `no ${objects.join(' or ')} has this email`);
  }

  private async byDomain(domain: string, expected: RecordObject | undefined): Promise<RecordResolution> {
    if (expected && expected !== 'Account') {
      return notFound('wrong_object', `a domain names a company; this rule watches ${expected}`);
    }
    const rows = await this.org.query<{ Id: string; Website?: string | null }>(accountsByWebsiteQuery(domain));
    // LIKE also matches "notacme.com" and "acme.com.au": keep the Accounts whose website's domain is this one.
    const matches = rows.filter((row) => domainFromWebsite(row.Website) === domain);
    if (matches.length > 1) return notFound('ambiguous', 'more than one Account has this domain');
    const match = matches[0];
    return match
      ? { found: true, object: 'Account', recordId: match.Id }
      : notFound('not_found', 'no Account has this domain');
  }
}

function notFound(reason: UnresolvedReason, detail: string): RecordResolution {
  return { found: false, reason, detail };
}
