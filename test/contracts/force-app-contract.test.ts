import { describe, expect, it } from 'vitest';
import { readForceApp, type ForceAppModel } from '@audience-loop/force-app-model';
import { checkContract, SERVER_SPECS } from './check-contract';
import { AUDIENCE_RUN, recordSchema } from '../../server/src/domain/records';

/** A deep copy of the model with one field removed, as if someone deleted it from force-app. */
function withoutField(model: ForceAppModel, objectName: string, fieldName: string): ForceAppModel {
  const copy = structuredClone(model);
  const object = copy.objects.find((o) => o.name === objectName);
  if (!object) throw new Error(`no ${objectName} in force-app`);
  object.fields = object.fields.filter((f) => f.fullName !== fieldName);
  return copy;
}

describe('force-app ↔ server schemas', () => {
  const model = readForceApp();

  it('when read as they are, then every field the server reads or writes exists with a compatible type', () => {
    expect(checkContract(model)).toEqual([]);
  });

  it.each([
    ['Audience_Field_Map__c', 'Write_Rule__c'],
    ['Audience_Field_Map__c', 'Mode__c'],
    ['Audience_Run__c', 'Credits_Used__c'],
    ['Contact', 'Audience_Provenance__c'],
    ['Audience_Command__e', 'Command__c'],
    ['Audience_Record_Request__e', 'Request__c'],
  ])('when %s.%s is removed from force-app, then the contract fails naming it', (objectName, fieldName) => {
    const problems = checkContract(withoutField(model, objectName, fieldName));
    expect(problems).toContain(`${objectName}.${fieldName}: the server uses it but force-app does not define it`);
  });

  it('when a picklist value differs, then the contract names the field', () => {
    const copy = structuredClone(model);
    const field = copy.objects
      .find((o) => o.name === 'Audience_Field_Map__c')
      ?.fields.find((f) => f.fullName === 'Write_Rule__c');
    field?.picklist?.values.push({ fullName: 'Sometimes', label: 'Sometimes', default: false });
    expect(checkContract(copy).join('\n')).toMatch(/Audience_Field_Map__c\.Write_Rule__c: picklist values/);
  });

  it('when force-app has a custom field the server does not know, then the contract names it', () => {
    const copy = structuredClone(model);
    copy.objects
      .find((o) => o.name === 'Audience__c')
      ?.fields.push({ ...copy.objects[0]!.fields[0]!, object: 'Audience__c', fullName: 'Mystery__c', type: 'Text' });
    expect(checkContract(copy)).toContain(
      "Audience__c.Mystery__c: defined in force-app but unknown to the server's schemas",
    );
  });

  it('when the integration permission set loses edit on a written field, then the contract names it', () => {
    const copy = structuredClone(model);
    const permissionSet = copy.permissionSets.find((p) => p.name === SERVER_SPECS.integrationPermissionSet);
    permissionSet!.fieldPermissions = permissionSet!.fieldPermissions.filter((f) => f.field !== 'Contact.Seniority__c');
    expect(checkContract(copy)).toContain(
      'Contact.Seniority__c: the server writes it but Audience_Integration cannot edit it',
    );
  });

  it('when a run record comes back from REST, then the derived zod schema parses it and rejects a bad status', () => {
    const schema = recordSchema(AUDIENCE_RUN);
    const run = { Id: 'a0B000000000001AAA', Type__c: 'Import', Status__c: 'Running', Processed__c: 10, Total__c: null };
    expect(schema.parse(run)).toMatchObject(run);
    expect(() => schema.parse({ ...run, Status__c: 'Done' })).toThrow();
  });
});
