import type { ChangeChannelDef, FieldDef, FieldType, ObjectDef, ObjectKind, SchemaCatalog } from '../../org-contract';

function field(name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef {
  return {
    name,
    label: name,
    type,
    createable: true,
    updateable: true,
    nillable: true,
    calculated: false,
    externalId: false,
    unique: false,
    restrictedPicklist: false,
    picklistValues: [],
    referenceTo: [],
    ...extra,
  };
}

function address(prefix: string): FieldDef[] {
  const c = { compoundFieldName: `${prefix}Address` };
  return [
    ...['Street', 'City', 'State', 'PostalCode', 'Country', 'StateCode', 'CountryCode'].map((p) =>
      field(`${prefix}${p}`, 'string', c),
    ),
    field(`${prefix}Latitude`, 'double', c),
    field(`${prefix}Longitude`, 'double', c),
    field(`${prefix}Address`, 'address', { createable: false, updateable: false }),
  ];
}

function personName(): FieldDef[] {
  const c = { compoundFieldName: 'Name' };
  return [
    field('Salutation', 'picklist', c),
    field('FirstName', 'string', c),
    field('LastName', 'string', c),
    field('Name', 'string', { createable: false, updateable: false }),
  ];
}

const system = (): FieldDef[] => [
  field('Id', 'id', { createable: false, updateable: false }),
  field('OwnerId', 'reference', { referenceTo: ['User'] }),
  field('CreatedDate', 'datetime', { createable: false, updateable: false }),
  field('LastModifiedDate', 'datetime', { createable: false, updateable: false }),
  field('SystemModstamp', 'datetime', { createable: false, updateable: false }),
  field('IsDeleted', 'boolean', { createable: false, updateable: false }),
];

function object(name: string, keyPrefix: string, kind: ObjectKind, fields: FieldDef[]): ObjectDef {
  return {
    name,
    label: name,
    labelPlural: `${name}s`,
    keyPrefix,
    kind,
    fields,
    getField: (f) => fields.find((d) => d.name.toLowerCase() === f.toLowerCase()),
  };
}

/** A tiny org: Contact/Lead/Account on `Audience_Loop__chn`, one config object, the command event. */
export function buildFakeSchema(
  options: { cdcEntities?: string[]; channels?: ChangeChannelDef[] } = {},
): SchemaCatalog {
  const objects = [
    object('Contact', '003', 'standard', [
      ...system(),
      ...personName(),
      ...address('Mailing'),
      field('Email', 'email'),
      field('Phone', 'phone'),
      field('AccountId', 'reference', { referenceTo: ['Account'] }),
      field('Contact_Score__c', 'double'),
      field('Score_Band__c', 'string', { calculated: true }),
    ]),
    object('Lead', '00Q', 'standard', [
      ...system(),
      ...personName(),
      field('Company', 'string'),
      field('Email', 'email'),
    ]),
    object('Account', '001', 'standard', [
      ...system(),
      field('Name', 'string'),
      ...address('Billing'),
      ...address('Shipping'),
      field('Industry', 'picklist'),
    ]),
    object('Audience__c', 'a01', 'custom', [...system(), field('Name', 'string'), field('Active__c', 'boolean')]),
    object('Audience_Source__c', 'a02', 'custom', [...system(), field('Name', 'string')]),
    object('Audience_Command__e', 'e01', 'platformEvent', [
      field('CreatedDate', 'datetime'),
      field('CreatedById', 'reference'),
      field('Command__c', 'string'),
      field('Record_Id__c', 'string'),
      field('Target_Id__c', 'string'),
    ]),
  ];
  const channels = options.channels ?? [{ name: 'Audience_Loop__chn', members: ['Contact', 'Lead', 'Account'] }];
  const cdc = options.cdcEntities ?? [...new Set(channels.flatMap((c) => c.members))];
  return {
    getObject: (name) => objects.find((o) => o.name.toLowerCase() === name.toLowerCase()),
    listObjects: () => objects,
    changeChannels: () => channels,
    cdcEntities: () => cdc,
  };
}
