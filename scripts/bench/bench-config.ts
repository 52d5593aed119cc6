import { Connection } from 'jsforce';
import type { EmulatorInfo, EmulatorUser } from './emulator-process';

/** The Contact source (every contact), the demo's Contact field maps and its Contact audience. */
export const BENCH_SOURCE = {
  Name: 'Bench contacts',
  Type__c: 'Salesforce',
  Object__c: 'Contact',
  Active__c: true,
  Inclusion_Filter__c: null,
};

const CONTACT_MAPS = [
  { Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Tracked' },
  { Field__c: 'Department', Attribute__c: 'person.department', Write_Rule__c: 'Fill_Blank' },
  { Field__c: 'Email_Status__c', Attribute__c: 'person.email_status', Write_Rule__c: 'Always' },
  { Field__c: 'Phone_Type__c', Attribute__c: 'person.phone_type', Write_Rule__c: 'Always' },
  { Field__c: 'LinkedIn_URL__c', Attribute__c: 'person.linkedin_url', Write_Rule__c: 'Tracked' },
];

export const BENCH_FIELD_MAPS = CONTACT_MAPS.map((map, index) => ({
  Name: `Bench map ${index + 1}`,
  Object__c: 'Contact',
  Active__c: true,
  Import__c: false,
  ...map,
}));

export const BENCH_AUDIENCE = {
  Name: 'Senior decision makers',
  Object__c: 'Contact',
  Active__c: true,
  Filter__c: JSON.stringify({ field: 'Seniority__c', op: 'in', value: ['C-Level', 'VP', 'Director'] }),
};

export function connectionAs(info: EmulatorInfo, user: EmulatorUser): Connection {
  return new Connection({ instanceUrl: info.instanceUrl, accessToken: user.accessToken, version: '62.0' });
}

/** Creates the loop's configuration as the admin would in the setup tab. */
export async function createBenchConfig(admin: Connection): Promise<void> {
  for (const [object, rows] of [
    ['Audience_Source__c', [BENCH_SOURCE]],
    ['Audience_Field_Map__c', BENCH_FIELD_MAPS],
    ['Audience__c', [BENCH_AUDIENCE]],
  ] as const) {
    const results = await admin.sobject(object).create(rows as unknown as Record<string, unknown>[]);
    const failed = results.filter((r) => !r.success);
    if (failed.length > 0) throw new Error(`could not create ${object}: ${JSON.stringify(failed)}`);
  }
}
