import { createHash } from 'node:crypto';
import { toId18 } from '../pipeline/import/csv/salesforce-id';

/**
 * The `Key__c` of the signal one event makes: a SHA-256 of the rule, the record and the event's identity, in hex
 * (64 characters, well inside Text(255) whatever the identity's length). The same event always gives the same key,
 * so the upsert by `Key__c` is what makes a re-fire a no-op; a 15-character record id counts as its 18-character form.
 */
export function signalKey(ruleId: string, recordId: string, identity: string): string {
  const parts = [toId18(ruleId) ?? ruleId, toId18(recordId) ?? recordId, identity];
  // JSON keeps the parts apart: ("a-b", "c") and ("a", "b-c") never hash alike.
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
