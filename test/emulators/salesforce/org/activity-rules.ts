/**
 * Task and Event rules: a Lead as `WhoId` cannot be combined with a `WhatId` (FIELD_INTEGRITY_EXCEPTION);
 * `AccountId` follows the Contact or the Account the activity relates to; a Task is closed once Completed.
 */
import { RecordErrors, recordError } from '../errors';
import type { RecordStore, Row, WriteTrigger } from './store';

const LEAD_PREFIX = '00Q';
const ACCOUNT_PREFIX = '001';

export function registerActivityRules(store: RecordStore): void {
  const activity: WriteTrigger = {
    beforeWrite(_tx, obj, row) {
      const who = row.WhoId as string | undefined | null;
      const what = row.WhatId as string | undefined | null;
      if (who && what && who.startsWith(LEAD_PREFIX)) {
        // Leads have no Account to relate to: the platform refuses a Lead together with a Related To record.
        throw new RecordErrors([
          recordError(
            'FIELD_INTEGRITY_EXCEPTION',
            'Related To ID: id value of incorrect type: a Lead as Name cannot be related to another record',
            ['WhatId'],
          ),
        ]);
      }
      row.AccountId = accountOf(who, what);
      if (obj.name === 'Task') {
        const closed = row.Status === 'Completed' || row.Status === 'Deferred';
        row.IsClosed = closed;
        row.IsHighPriority = row.Priority === 'High';
        if (closed && !row.CompletedDateTime) row.CompletedDateTime = row.LastModifiedDate ?? null;
      }
    },
  };

  function accountOf(who: string | null | undefined, what: string | null | undefined): string | null {
    if (what?.startsWith(ACCOUNT_PREFIX)) return what;
    const parent: Row | undefined = what ? store.find(what)?.row : undefined;
    if (parent?.AccountId) return parent.AccountId as string;
    const person = who && !who.startsWith(LEAD_PREFIX) ? store.find(who)?.row : undefined;
    return (person?.AccountId as string | undefined) ?? null;
  }

  store.addTrigger('Task', activity);
  store.addTrigger('Event', activity);
}
