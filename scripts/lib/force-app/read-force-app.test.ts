import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_FORCE_APP_ROOT, ForceAppError, readForceApp } from './read-force-app';

const CONFIG_OBJECTS = [
  'Audience_Source__c',
  'Audience__c',
  'Audience_Field_Map__c',
  'Audience_Enrichment__c',
  'Audience_Signal_Rule__c',
  'Audience_Action__c',
];

describe('readForceApp on the real tree', () => {
  const model = readForceApp();
  const object = (name: string) => {
    const found = model.objects.find((o) => o.name === name);
    if (!found) throw new Error(`object ${name} not found`);
    return found;
  };
  const field = (objectName: string, fieldName: string) => {
    const found = object(objectName).fields.find((f) => f.fullName === fieldName);
    if (!found) throw new Error(`field ${objectName}.${fieldName} not found`);
    return found;
  };

  it('reads custom objects, standard-object extensions and platform events with their kinds', () => {
    expect(object('Audience__c').kind).toBe('custom');
    expect(object('Contact').kind).toBe('standard');
    expect(object('Contact').file).toBeUndefined();
    expect(object('Audience_Command__e')).toMatchObject({
      kind: 'platformEvent',
      eventType: 'HighVolume',
      publishBehavior: 'PublishAfterCommit',
    });
    expect(object('Audience_Run__c').nameField).toMatchObject({ type: 'AutoNumber' });
  });

  it('gives every config object Status__c (OK, Error) and Status_Message__c', () => {
    for (const name of CONFIG_OBJECTS) {
      const status = field(name, 'Status__c');
      expect(status.picklist).toEqual({
        restricted: true,
        values: [
          { fullName: 'OK', label: 'OK', default: false },
          { fullName: 'Error', label: 'Error', default: false },
        ],
      });
      expect(field(name, 'Status_Message__c')).toMatchObject({ type: 'Text', length: 255 });
    }
  });

  it('reads lengths, external ids, relationships and numbers', () => {
    expect(field('Audience_Member__c', 'Key__c')).toMatchObject({ type: 'Text', externalId: true, unique: true });
    expect(field('Audience_Member__c', 'Audience__c')).toMatchObject({
      type: 'MasterDetail',
      referenceTo: 'Audience__c',
      relationshipName: 'Audience_Members',
    });
    expect(field('Audience_Member__c', 'Record_Id__c').length).toBe(18);
    expect(field('Contact', 'Audience_Provenance__c')).toMatchObject({
      type: 'LongTextArea',
      length: 131072,
      visibleLines: 3,
    });
    expect(field('Account', 'Last_Funding_Amount__c')).toMatchObject({ type: 'Currency', precision: 18, scale: 2 });
  });

  it('collapses text Prettier wrapped over several lines', () => {
    for (const o of model.objects) {
      for (const f of o.fields) {
        expect(f.label, `${o.name}.${f.fullName}`).toBeTruthy();
        expect(f.description ?? '', `${o.name}.${f.fullName}`).not.toMatch(/\n/);
        expect(f.inlineHelpText, `${o.name}.${f.fullName} help text`).toBeTruthy();
      }
    }
  });

  it('reads the change channel with its three members', () => {
    expect(model.channels).toHaveLength(1);
    const [channel] = model.channels;
    expect(channel?.name).toBe('Audience_Loop__chn');
    expect(channel?.channelType).toBe('data');
    expect(channel?.members.map((m) => m.selectedEntity).sort()).toEqual([
      'AccountChangeEvent',
      'ContactChangeEvent',
      'LeadChangeEvent',
    ]);
  });

  it('reads the permission sets', () => {
    expect(model.permissionSets.map((p) => p.name).sort()).toEqual([
      'Audience_Admin',
      'Audience_Integration',
      'Audience_User',
    ]);
    const integration = model.permissionSets.find((p) => p.name === 'Audience_Integration');
    expect(integration?.objectPermissions.find((p) => p.object === 'Contact')).toMatchObject({
      allowRead: true,
      allowEdit: true,
      viewAllRecords: true,
    });
    expect(integration?.fieldPermissions).toContainEqual({
      field: 'Contact.Audience_Provenance__c',
      readable: true,
      editable: true,
    });
  });
});

describe('readForceApp on a broken copy', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function copyTree(): string {
    dir = mkdtempSync(path.join(tmpdir(), 'read-force-app-'));
    cpSync(DEFAULT_FORCE_APP_ROOT, dir, { recursive: true });
    return dir;
  }

  it('names the file that holds malformed XML', () => {
    const root = copyTree();
    const broken = path.join(root, 'objects', 'Audience__c', 'fields', 'Filter__c.field-meta.xml');
    writeFileSync(
      broken,
      '<?xml version="1.0"?>\n<CustomField>\n<label>Filter</label>\n<type>LongTextArea\n</CustomField>\n',
    );
    let caught: unknown;
    try {
      readForceApp(root);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ForceAppError);
    expect((caught as ForceAppError).file).toBe(broken);
    expect((caught as ForceAppError).message).toContain('Filter__c.field-meta.xml');
  });

  it('rejects a file whose root element does not match its suffix', () => {
    const root = copyTree();
    const broken = path.join(root, 'permissionsets', 'Audience_User.permissionset-meta.xml');
    writeFileSync(broken, '<?xml version="1.0"?>\n<CustomObject><label>x</label></CustomObject>\n');
    expect(() => readForceApp(root)).toThrow(
      /Audience_User\.permissionset-meta\.xml: expected root element <PermissionSet>/,
    );
  });

  it('rejects a missing root directory', () => {
    expect(() => readForceApp(path.join(tmpdir(), 'no-such-force-app-dir'))).toThrow(ForceAppError);
  });
});
