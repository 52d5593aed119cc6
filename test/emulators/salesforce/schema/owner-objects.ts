/**
 * Who can own a record: `Group` (a queue is a Group whose `Type` is `Queue`), `QueueSobject` (which objects a
 * queue may own) and `Name`, the read-only object a polymorphic relationship (`Lead.Owner`, `Task.Who`) resolves
 * to in SOQL, so `Owner.Name` reads the same whether a user or a queue owns the record.
 */
import { field, makeObject, pick, ref, str, systemFields, type ObjectSpec } from './field-builders';

const readOnly = { createable: false, updateable: false };

/** The Group types Salesforce lists; only `Queue` groups own records. */
export const GROUP_TYPES = [
  'Regular',
  'Role',
  'RoleAndSubordinates',
  'RoleAndSubordinatesInternal',
  'Manager',
  'ManagerAndSubordinatesInternal',
  'Organization',
  'Territory',
  'TerritoryAndSubordinates',
  'Queue',
];

/** The objects the emulator lets a queue own (QueueSobject.SobjectType is a restricted picklist). */
export const QUEUEABLE_OBJECTS = ['Lead', 'Case'];

export function ownerObjects(): ObjectSpec[] {
  const group = makeObject('Group', 'Group', 'Groups', '00G', 'standard', [
    ...systemFields(false),
    ref('OwnerId', 'Owner ID', ['User'], 'Owner', { defaultedOnCreate: true }),
    str('Name', 'Name', 40, { required: true, nillable: false, nameField: true }),
    str('DeveloperName', 'Developer Name', 80),
    pick('Type', 'Type', GROUP_TYPES, { required: true, nillable: false, restrictedPicklist: true }),
    field('Email', 'email', 'Email', { length: 255 }),
    field('DoesSendEmailToMembers', 'boolean', 'Send Email to Members', { defaultValue: false }),
    field('DoesIncludeBosses', 'boolean', 'Include Bosses', { defaultValue: false }),
    ref('RelatedId', 'Related ID', ['User', 'UserRole'], 'Related', readOnly),
    field('Description', 'textarea', 'Description', { length: 1332 }),
  ]);
  const queueSobject = makeObject('QueueSobject', 'Queue sObject', 'Queue sObjects', '03g', 'standard', [
    ...systemFields(false).filter((f) => ['Id', 'CreatedById', 'SystemModstamp'].includes(f.name)),
    ref('QueueId', 'Group ID', ['Group'], 'Queue', {
      required: true,
      nillable: false,
      updateable: false,
      childRelationshipName: 'QueueSobjects',
    }),
    pick('SobjectType', 'sObject Type', QUEUEABLE_OBJECTS, {
      required: true,
      nillable: false,
      updateable: false,
      restrictedPicklist: true,
    }),
  ]);
  // No key prefix and no rows: SOQL reads a polymorphic parent (a User, a Group, a Contact…) through these fields.
  const name = makeObject('Name', 'Name', 'Names', '', 'standard', [
    field('Id', 'id', 'Name ID', { ...readOnly, nillable: false, system: true }),
    str('Name', 'Name', 255, { ...readOnly, nameField: true }),
    pick('Type', 'Type', ['User', 'Queue', 'Contact', 'Lead', 'Account', 'Opportunity', 'Campaign'], readOnly),
    str('FirstName', 'First Name', 40, readOnly),
    str('LastName', 'Last Name', 80, readOnly),
    str('Alias', 'Alias', 8, readOnly),
    field('Email', 'email', 'Email', readOnly),
    field('Phone', 'phone', 'Phone', readOnly),
    str('Title', 'Title', 80, readOnly),
    str('Username', 'Username', 80, readOnly),
    field('IsActive', 'boolean', 'Active', readOnly),
    ref('ProfileId', 'Profile ID', ['Profile'], 'Profile', readOnly),
    ref('UserRoleId', 'Role ID', ['UserRole'], 'UserRole', readOnly),
  ]);
  return [group, queueSobject, name];
}

/** The `Name.Type` of a polymorphic parent: a Group's own Type (`Queue`), else the parent's object name. */
export function nameType(objectName: string, row: Record<string, unknown>): string {
  return objectName === 'Group' ? String(row.Type ?? 'Regular') : objectName;
}
