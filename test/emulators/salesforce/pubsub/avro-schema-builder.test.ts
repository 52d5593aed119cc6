import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../index';
import { schemaIdFor } from '../streaming/events/schema-id';
import { EventEncoder } from './event-encoder';
import { EventSchemaRegistry } from './event-schema-registry';

let emulator: RunningEmulator;
let registry: EventSchemaRegistry;

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ seed: 'none', pubSub: false });
  registry = new EventSchemaRegistry(emulator.context.schema);
});
afterAll(async () => {
  await emulator?.stop();
});

type AvroField = { name: string; type: unknown; default?: unknown };

describe('Avro schemas of the org event types', () => {
  it('a change event starts with ChangeEventHeader and nests compounds as named records (one Address type)', () => {
    const schema = registry.forEventName('ContactChangeEvent')!;
    const fields = schema.avro.fields as AvroField[];
    expect(schema.avro).toMatchObject({ name: 'ContactChangeEvent', namespace: 'com.sforce.eventbus' });
    expect(fields[0]!.name).toBe('ChangeEventHeader');
    const names = fields.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['Name', 'MailingAddress', 'OtherAddress', 'LastModifiedDate']));
    expect(names).not.toEqual(expect.arrayContaining(['Id', 'SystemModstamp', 'MailingStreet', 'FirstName']));
    const other = fields.find((f) => f.name === 'OtherAddress')!;
    expect(other).toMatchObject({ type: ['null', 'com.sforce.eventbus.Address'], default: null });
    expect(fields.find((f) => f.name === 'LastModifiedDate')!.type).toEqual(['null', 'long']);
    expect(fields.find((f) => f.name === 'Birthdate')!.type).toEqual(['null', 'int']);
  });

  it('a platform event schema is shaped like the Low_Ink__e sample: required CreatedDate/CreatedById, nullable custom fields', () => {
    const lowInk = JSON.parse(
      readFileSync(
        path.resolve('test/emulators/salesforce/fixtures/platform-event-schema-low-ink-v42.sfdocs.json'),
        'utf8',
      ),
    ) as { fields: AvroField[] };
    const fields = registry.forEventName('Audience_Command__e')!.avro.fields as AvroField[];
    expect(fields.slice(0, 2).map(({ name, type }) => ({ name, type }))).toEqual(
      lowInk.fields.slice(0, 2).map(({ name, type }) => ({ name, type })),
    );
    for (const custom of fields.slice(2)) expect(custom).toMatchObject({ type: ['null', 'string'], default: null });
  });

  it('a DELETE is encoded as its header with every body field null, like the Employee__c sample', () => {
    const schema = registry.forEventName('ContactChangeEvent')!;
    const encoded = new EventEncoder(registry).encode({
      replayId: 7,
      channels: ['/data/ContactChangeEvent'],
      receivedAt: 0,
      schema: schemaIdFor('ContactChangeEvent'),
      payload: {
        ChangeEventHeader: {
          entityName: 'Contact',
          recordIds: ['003Hs00000000001AAA'],
          changeType: 'DELETE',
          changeOrigin: '',
          transactionKey: 't',
          sequenceNumber: 1,
          commitTimestamp: 1_722_538_082_000,
          commitNumber: 1,
          commitUser: '005Hs0000000001IAA',
          changedFields: [],
        },
      },
    })!;
    const decoded = schema.type.fromBuffer(encoded.event.payload) as Record<string, unknown>;
    const { ChangeEventHeader: header, ...body } = decoded;
    expect(header).toMatchObject({ changeType: 'DELETE', nulledFields: [], diffFields: [], changedFields: [] });
    expect(Object.values(body).every((v) => v === null)).toBe(true);
    expect(encoded.replayId.readBigUInt64BE()).toBe(7n);
  });
});
