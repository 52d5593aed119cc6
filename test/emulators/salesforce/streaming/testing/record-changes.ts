import type { RecordChange } from '../../org-contract';

const LMD = (): string => new Date().toISOString();

/** A Contact phone update as the core reports it. */
export function contactPhoneUpdate(recordId: string, phone: string): RecordChange {
  return {
    changeType: 'UPDATE',
    entityName: 'Contact',
    recordId,
    changedFields: ['Phone', 'LastModifiedDate'],
    values: { Phone: phone, LastModifiedDate: LMD() },
  };
}

/** Contact ids `003000000000001AAA`, `003000000000002AAA`… */
export function contactId(n: number): string {
  return `003${String(n).padStart(12, '0')}AAA`;
}
