/**
 * Holds force-app to DESIGN.md section 4: every object and field the design names exists with the designed type
 * and picklist values, and each persona's permission set reaches the fields it needs.
 */
import { describe, expect, it } from 'vitest';
import { readForceApp, type ForceAppField } from './read-force-app';

const model = readForceApp();

const OBJECT_VALUES = ['Contact', 'Lead', 'Account'];
const STATUS_VALUES = ['OK', 'Error'];
const SIGNAL_TYPES = ['Job_Change', 'Funding_Round', 'Hiring_Surge', 'Field_Threshold', 'Webhook'];

/** field → type, or [type, picklist values] */
type Spec = Record<string, string | [string, string[]]>;

const CONFIG: Record<string, Spec> = {
  Audience_Source__c: {
    Type__c: ['Picklist', ['Salesforce', 'CSV', 'Postgres', 'Snowflake', 'Prospects']],
    Object__c: ['Picklist', OBJECT_VALUES],
    Inclusion_Filter__c: 'LongTextArea',
    Active__c: 'Checkbox',
    Last_Full_Sync_At__c: 'DateTime',
  },
  Audience__c: {
    Object__c: ['Picklist', OBJECT_VALUES],
    Filter__c: 'LongTextArea',
    Active__c: 'Checkbox',
    Member_Count__c: 'Number',
    Last_Evaluated_At__c: 'DateTime',
  },
  Audience_Field_Map__c: {
    Object__c: ['Picklist', OBJECT_VALUES],
    Field__c: 'Text',
    Attribute__c: 'Text',
    Write_Rule__c: ['Picklist', ['Always', 'Never', 'Fill_Blank', 'Tracked']],
    Import__c: 'Checkbox',
    Active__c: 'Checkbox',
  },
  Audience_Enrichment__c: {
    Object__c: ['Picklist', OBJECT_VALUES],
    Audience__c: 'Lookup',
    Attributes__c: 'Text',
    Providers__c: 'Text',
    Schedule__c: 'Text',
    Time_Zone__c: 'Text',
    Run_On_Entry__c: 'Checkbox',
    Max_Credits_Per_Run__c: 'Number',
    Monthly_Credit_Budget__c: 'Number',
    Active__c: 'Checkbox',
  },
  Audience_Signal_Rule__c: {
    Type__c: ['Picklist', SIGNAL_TYPES],
    Object__c: ['Picklist', OBJECT_VALUES],
    Settings__c: 'LongTextArea',
    Slack_Channel__c: 'Text',
    Notify_Owner__c: 'Checkbox',
    Enrol_Action__c: 'Lookup',
    Active__c: 'Checkbox',
  },
  Audience_Action__c: {
    Audience__c: 'MasterDetail',
    Type__c: [
      'Picklist',
      ['Campaign', 'Task', 'Outreach_Sequence', 'Salesloft_Cadence', 'Slack_Message', 'Webhook', 'Ad_Audience'],
    ],
    Target__c: 'Text',
    Settings__c: 'LongTextArea',
    On_Exit__c: ['Picklist', ['Nothing', 'Remove']],
    Active__c: 'Checkbox',
  },
};

const RESULTS: Record<string, Spec> = {
  Audience_Member__c: {
    Audience__c: 'MasterDetail',
    Record_Id__c: 'Text',
    Contact__c: 'Lookup',
    Lead__c: 'Lookup',
    Account__c: 'Lookup',
    Entered_At__c: 'DateTime',
    Exited_At__c: 'DateTime',
    Is_Active__c: 'Checkbox',
    Key__c: 'Text',
  },
  Audience_Signal__c: {
    Type__c: ['Picklist', SIGNAL_TYPES],
    Record_Id__c: 'Text',
    Contact__c: 'Lookup',
    Lead__c: 'Lookup',
    Account__c: 'Lookup',
    Fired_At__c: 'DateTime',
    Summary__c: 'Text',
    Evidence__c: 'LongTextArea',
    Confidence__c: 'Percent',
    Status__c: ['Picklist', ['New', 'Notified', 'Dismissed', 'Actioned']],
    Notification_Message__c: 'Text',
    Key__c: 'Text',
  },
  Audience_Run__c: {
    Type__c: [
      'Picklist',
      ['Import', 'Enrichment', 'Export', 'Dry_Run', 'Reconciliation', 'Signal', 'Action', 'Prospect_Search'],
    ],
    Status__c: ['Picklist', ['Queued', 'Running', 'Paused', 'Succeeded', 'Partially_Succeeded', 'Failed', 'Cancelled']],
    Status_Message__c: 'Text',
    Audience_Source__c: 'Lookup',
    Audience_Enrichment__c: 'Lookup',
    Audience__c: 'Lookup',
    Audience_Signal_Rule__c: 'Lookup',
    Total__c: 'Number',
    Processed__c: 'Number',
    Succeeded__c: 'Number',
    Failed__c: 'Number',
    Skipped__c: 'Number',
    Credits_Used__c: 'Number',
    Credits_By_Provider__c: 'LongTextArea',
    Skips_By_Reason__c: 'LongTextArea',
    Started_At__c: 'DateTime',
    Finished_At__c: 'DateTime',
    Error_Summary__c: 'LongTextArea',
  },
};

RESULTS.Audience_Action_Log__c = {
  Audience_Action__c: 'Lookup',
  Audience_Member__c: 'Lookup',
  Audience_Signal__c: 'Lookup',
  Record_Id__c: 'Text',
  Operation__c: ['Picklist', ['Apply', 'Remove']],
  Status__c: ['Picklist', ['Pending', 'Succeeded', 'Failed', 'Skipped']],
  External_Id__c: 'Text',
  Message__c: 'Text',
  Attempts__c: 'Number',
  Key__c: 'Text',
};

const PERSON: Spec = {
  Seniority__c: ['Picklist', ['C-Level', 'VP', 'Director', 'Manager', 'Senior', 'Entry']],
  Email_Status__c: [
    'Picklist',
    ['invalid', 'disposable', 'role', 'personal', 'valid_format', 'verified', 'risky', 'undeliverable'],
  ],
  Phone_Type__c: ['Picklist', ['mobile', 'fixed_line', 'fixed_line_or_mobile', 'toll_free', 'voip', 'other']],
  LinkedIn_URL__c: 'Url',
  Job_Change_Detected_At__c: 'DateTime',
  Previous_Company__c: 'Text',
  Audience_Provenance__c: 'LongTextArea',
  Audience_Last_Enriched_At__c: 'DateTime',
};

const RECORDS: Record<string, Spec> = {
  Contact: { ...PERSON, Contact_Score__c: 'Number' },
  Lead: { ...PERSON, Department__c: 'Text' },
  Account: {
    Open_Roles__c: 'Number',
    Last_Funding_Round__c: 'Text',
    Last_Funding_Amount__c: 'Currency',
    Last_Funding_Date__c: 'Date',
    Job_Board_Url__c: 'Url',
    Audience_Provenance__c: 'LongTextArea',
    Audience_Last_Enriched_At__c: 'DateTime',
  },
};

const EVENTS: Record<string, Spec> = {
  Audience_Command__e: { Command__c: 'Text', Record_Id__c: 'Text', Target_Id__c: 'Text' },
  Audience_Record_Request__e: { Request__c: 'Text', Record_Id__c: 'Text', Object__c: 'Text' },
  Audience_Status__e: {
    Record_Id__c: 'Text',
    Run_Id__c: 'Text',
    Stage__c: 'Text',
    Message__c: 'Text',
    Progress__c: 'Number',
  },
};

function fieldsOf(objectName: string): ForceAppField[] {
  const object = model.objects.find((o) => o.name === objectName);
  if (!object) throw new Error(`${objectName} is missing from force-app`);
  return object.fields;
}

function expectSpec(objectName: string, spec: Spec): void {
  const fields = fieldsOf(objectName);
  for (const [fieldName, expected] of Object.entries(spec)) {
    const field = fields.find((f) => f.fullName === fieldName);
    expect(field, `${objectName}.${fieldName}`).toBeDefined();
    const [type, values] = typeof expected === 'string' ? [expected, undefined] : expected;
    expect(field?.type, `${objectName}.${fieldName} type`).toBe(type);
    if (values) {
      expect(field?.picklist?.restricted, `${objectName}.${fieldName} restricted`).toBe(true);
      expect(
        field?.picklist?.values.map((v) => v.fullName),
        `${objectName}.${fieldName} values`,
      ).toEqual(values);
    }
  }
}

describe('force-app matches DESIGN.md section 4', () => {
  it('has every config object field, plus Status__c and Status_Message__c', () => {
    for (const [objectName, spec] of Object.entries(CONFIG)) {
      expectSpec(objectName, {
        ...spec,
        Status__c: ['Picklist', STATUS_VALUES],
        Status_Message__c: 'Text',
      });
    }
  });

  it('has every result object field', () => {
    for (const [objectName, spec] of Object.entries(RESULTS)) expectSpec(objectName, spec);
    const memberKey = fieldsOf('Audience_Member__c').find((f) => f.fullName === 'Key__c');
    expect(memberKey).toMatchObject({ externalId: true, unique: true });
    const signalKey = fieldsOf('Audience_Signal__c').find((f) => f.fullName === 'Key__c');
    expect(signalKey).toMatchObject({ externalId: true, unique: true });
    const logKey = fieldsOf('Audience_Action_Log__c').find((f) => f.fullName === 'Key__c');
    expect(logKey).toMatchObject({ externalId: true, unique: true });
    expect(fieldsOf('Activity').find((f) => f.fullName === 'Audience_Action_Key__c')).toMatchObject({
      type: 'Text',
      externalId: true,
    });
    expect(fieldsOf('Audience_Member__c').find((f) => f.fullName === 'Audience__c')?.referenceTo).toBe('Audience__c');
  });

  it('has every field on Contact, Lead and Account', () => {
    for (const [objectName, spec] of Object.entries(RECORDS)) expectSpec(objectName, spec);
  });

  it('has the platform events, high volume and published after commit', () => {
    for (const [objectName, spec] of Object.entries(EVENTS)) {
      expectSpec(objectName, spec);
      expect(model.objects.find((o) => o.name === objectName)).toMatchObject({
        kind: 'platformEvent',
        eventType: 'HighVolume',
        publishBehavior: 'PublishAfterCommit',
      });
    }
    expect(fieldsOf('Audience_Command__e').find((f) => f.fullName === 'Command__c')?.length).toBe(40);
    expect(fieldsOf('Audience_Record_Request__e').find((f) => f.fullName === 'Request__c')?.length).toBe(40);
    // The requester is the event's CreatedById (set by Salesforce), never a payload field.
    expect(fieldsOf('Audience_Command__e').map((f) => f.fullName)).not.toContain('Requested_By__c');
    expect(fieldsOf('Audience_Enrichment__c').find((f) => f.fullName === 'Time_Zone__c')?.defaultValue).toBe('"UTC"');
  });

  it('sizes text fields as designed', () => {
    for (const object of model.objects) {
      for (const field of object.fields) {
        const where = `${object.name}.${field.fullName}`;
        // External_Id__c holds a target's id (a sequence state, an ad platform job name), not a Salesforce id.
        if (field.fullName.endsWith('Id__c') && field.fullName !== 'External_Id__c') {
          expect(field.length, where).toBe(18);
        }
        if (field.type === 'LongTextArea') {
          expect(field.length, where).toBe(131072);
          expect(field.visibleLines, where).toBeGreaterThan(0);
        }
        if (field.type === 'Text') expect(field.length, where).toBeGreaterThan(0);
        expect(field.label && field.description && field.inlineHelpText, `${where} documentation`).toBeTruthy();
        if (field.picklist) expect(field.picklist.restricted, where).toBe(true);
      }
    }
  });
});

describe('permission sets reach what each persona needs', () => {
  const permset = (name: string) => {
    const found = model.permissionSets.find((p) => p.name === name);
    if (!found) throw new Error(`${name} is missing`);
    return found;
  };
  const grantable = (objectName: string) =>
    fieldsOf(objectName)
      .filter((f) => f.type !== 'MasterDetail' && !f.required)
      .map((f) => `${objectName}.${f.fullName}`);
  const CONFIG_NAMES = Object.keys(CONFIG);
  const RESULT_NAMES = Object.keys(RESULTS);
  const RECORD_NAMES = Object.keys(RECORDS);
  // Estimated_Credits__c: the server's answer to ESTIMATE_RUN; Watermark__c: where a warehouse source's last run stopped.
  const SERVER_WRITTEN =
    /\.(Status__c|Status_Message__c|Member_Count__c|Estimated_Credits__c|Watermark__c|Last_[A-Za-z_]+__c)$/;

  it('lets the integration user edit results and record fields, and only status fields on config', () => {
    const integration = permset('Audience_Integration');
    const access = new Map(integration.fieldPermissions.map((p) => [p.field, p]));
    for (const field of [...RESULT_NAMES, ...RECORD_NAMES].flatMap(grantable)) {
      expect(access.get(field), field).toMatchObject({ readable: true, editable: true });
    }
    for (const field of CONFIG_NAMES.flatMap(grantable)) {
      // Mode__c is the admin's, but RUN_EXPORT (the admin's own command) turns Preview maps Live.
      const serverEdits = SERVER_WRITTEN.test(field) || field === 'Audience_Field_Map__c.Mode__c';
      expect(access.get(field), field).toMatchObject({ readable: true, editable: serverEdits });
    }
    for (const object of RECORD_NAMES) {
      expect(
        integration.objectPermissions.find((p) => p.object === object),
        object,
      ).toMatchObject({
        allowRead: true,
        allowEdit: true,
        viewAllRecords: true,
      });
    }
    // The server subscribes to both request events and publishes only statuses.
    for (const event of ['Audience_Command__e', 'Audience_Record_Request__e']) {
      expect(
        integration.objectPermissions.find((p) => p.object === event),
        event,
      ).toMatchObject({
        allowRead: true,
        allowCreate: false,
      });
    }
    expect(integration.objectPermissions.find((p) => p.object === 'Audience_Status__e')?.allowCreate).toBe(true);
  });

  it('lets admins edit every config field except the ones the server writes, and read results', () => {
    const admin = permset('Audience_Admin');
    const access = new Map(admin.fieldPermissions.map((p) => [p.field, p]));
    for (const field of CONFIG_NAMES.flatMap(grantable)) {
      expect(access.get(field), field).toMatchObject({ readable: true, editable: !SERVER_WRITTEN.test(field) });
    }
    for (const field of RESULT_NAMES.flatMap(grantable)) expect(access.get(field)?.readable, field).toBe(true);
    for (const event of ['Audience_Command__e', 'Audience_Record_Request__e']) {
      expect(admin.objectPermissions.find((p) => p.object === event)?.allowCreate, event).toBe(true);
    }
    for (const object of CONFIG_NAMES) {
      expect(
        admin.objectPermissions.find((p) => p.object === object),
        object,
      ).toMatchObject({
        allowRead: true,
        allowCreate: true,
        allowEdit: true,
        allowDelete: true,
      });
    }
    // The setup tab deletes plans, rules and audiences another admin created: delete needs Modify All (sharing alone
    // gives edit, never delete, to a non-owner).
    for (const object of ['Audience__c', 'Audience_Enrichment__c', 'Audience_Signal_Rule__c']) {
      expect(
        admin.objectPermissions.find((p) => p.object === object),
        object,
      ).toMatchObject({ viewAllRecords: true, modifyAllRecords: true });
    }
  });

  it('lets reps read results and the record fields and request a record, but not send admin commands', () => {
    const user = permset('Audience_User');
    const access = new Map(user.fieldPermissions.map((p) => [p.field, p]));
    for (const field of [...RESULT_NAMES, ...RECORD_NAMES].flatMap(grantable)) {
      expect(access.get(field)?.readable, field).toBe(true);
    }
    expect(user.objectPermissions.find((p) => p.object === 'Audience_Record_Request__e')?.allowCreate).toBe(true);
    expect(user.objectPermissions.find((p) => p.object === 'Audience_Command__e')?.allowCreate ?? false).toBe(false);
    for (const object of RESULT_NAMES) {
      expect(
        user.objectPermissions.find((p) => p.object === object),
        object,
      ).toMatchObject({
        allowRead: true,
        allowEdit: false,
      });
    }
  });
});
