/** Setup objects an integration reads: profiles, roles, record types, permission sets and their assignments. */
import { field, makeObject, pick, ref, str, systemFields, type ObjectSpec } from './field-builders';

const readOnly = { createable: false, updateable: false };

export function setupObjects(): ObjectSpec[] {
  const profile = makeObject('Profile', 'Profile', 'Profiles', '00e', 'standard', [
    ...systemFields(false).filter((f) => f.name !== 'IsDeleted'),
    str('Name', 'Name', 255, { required: true, nillable: false, nameField: true }),
    pick('UserType', 'User Type', ['Standard', 'PowerPartner', 'CsnOnly'], readOnly),
    str('Description', 'Description', 255),
    field('PermissionsApiEnabled', 'boolean', 'API Enabled', { defaultValue: true }),
    field('PermissionsModifyAllData', 'boolean', 'Modify All Data', { defaultValue: false }),
    field('PermissionsViewAllData', 'boolean', 'View All Data', { defaultValue: false }),
  ]);
  const role = makeObject('UserRole', 'Role', 'Roles', '00E', 'standard', [
    ...systemFields(false).filter((f) => f.name !== 'IsDeleted'),
    str('Name', 'Name', 80, { required: true, nillable: false, nameField: true }),
    str('DeveloperName', 'Developer Name', 80),
    ref('ParentRoleId', 'Parent Role ID', ['UserRole'], 'ParentRole'),
  ]);
  const recordType = makeObject('RecordType', 'Record Type', 'Record Types', '012', 'standard', [
    ...systemFields(false).filter((f) => f.name !== 'IsDeleted'),
    str('Name', 'Name', 80, { required: true, nillable: false, nameField: true }),
    str('DeveloperName', 'Record Type Name', 80, { required: true, nillable: false }),
    str('NamespacePrefix', 'Namespace Prefix', 15, readOnly),
    str('Description', 'Description', 255),
    pick(
      'SobjectType',
      'SObject Type Name',
      ['Account', 'Contact', 'Lead', 'Opportunity', 'Campaign', 'Task', 'Event'],
      {
        required: true,
        nillable: false,
      },
    ),
    field('IsActive', 'boolean', 'Active', { defaultValue: true }),
  ]);
  const permissionSet = makeObject('PermissionSet', 'Permission Set', 'Permission Sets', '0PS', 'standard', [
    ...systemFields(false).filter((f) => f.name !== 'IsDeleted'),
    str('Name', 'Name', 80, { required: true, nillable: false }),
    str('Label', 'Label', 80, { required: true, nillable: false, nameField: true }),
    str('NamespacePrefix', 'Namespace Prefix', 15, readOnly),
    field('IsOwnedByProfile', 'boolean', 'Is Owned By Profile', { ...readOnly, defaultValue: false }),
    ref('ProfileId', 'Profile ID', ['Profile'], 'Profile', readOnly),
  ]);
  const assignment = makeObject(
    'PermissionSetAssignment',
    'Permission Set Assignment',
    'Permission Set Assignments',
    '0Pa',
    'standard',
    [
      ...systemFields(false).filter(
        (f) => !['IsDeleted', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById'].includes(f.name),
      ),
      ref('AssigneeId', 'Assignee ID', ['User'], 'Assignee', {
        required: true,
        nillable: false,
        updateable: false,
        childRelationshipName: 'PermissionSetAssignments',
      }),
      ref('PermissionSetId', 'Permission Set ID', ['PermissionSet'], 'PermissionSet', {
        required: true,
        nillable: false,
        updateable: false,
        childRelationshipName: 'Assignments',
      }),
      field('IsActive', 'boolean', 'Is Active', { ...readOnly, defaultValue: true }),
    ],
  );
  // Read-only and answered per user and record (org/user-record-access.ts): no rows are stored.
  const access = makeObject('UserRecordAccess', 'User Record Access', 'User Record Access', '0Sx', 'standard', [
    field('Id', 'id', 'User Record Access ID', { ...readOnly, nillable: false, system: true }),
    ref('UserId', 'User ID', ['User'], 'User', readOnly),
    str('RecordId', 'Record ID', 18, readOnly),
    field('HasReadAccess', 'boolean', 'Has Read Access', readOnly),
    field('HasEditAccess', 'boolean', 'Has Edit Access', readOnly),
    field('HasDeleteAccess', 'boolean', 'Has Delete Access', readOnly),
    field('HasTransferAccess', 'boolean', 'Has Transfer Access', readOnly),
    field('HasAllAccess', 'boolean', 'Has All Access', readOnly),
    pick('MaxAccessLevel', 'Max Access Level', ['None', 'Read', 'Edit', 'Delete', 'Transfer', 'All'], readOnly),
  ]);
  return [profile, role, recordType, permissionSet, assignment, access];
}
