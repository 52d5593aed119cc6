import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyForceApp, runCheck } from './check-test-helpers';
import { checkMetadataFiles } from './metadata';
import { DEFAULT_FORCE_APP } from './report';

const TIMEOUT = 240_000;

function edit(file: string, change: (text: string) => string): void {
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`test edit did not change ${file}`);
  writeFileSync(file, after);
}

describe('checkMetadataFiles (in process)', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    cleanup = undefined;
  });

  it('finds nothing wrong in the real tree', () => {
    const failures = checkMetadataFiles(DEFAULT_FORCE_APP).filter((r) => r.problems.length > 0);
    expect(failures).toEqual([]);
  });

  it('flags a picklist without values, a lookup without relationship and a field permission on a master-detail', () => {
    const copy = copyForceApp();
    cleanup = copy.cleanup;
    const objects = path.join(copy.root, 'main', 'default', 'objects');
    edit(path.join(objects, 'Audience__c', 'fields', 'Status__c.field-meta.xml'), (t) =>
      t.replace(/<valueSet>[\s\S]*<\/valueSet>/, ''),
    );
    edit(path.join(objects, 'Audience_Run__c', 'fields', 'Audience__c.field-meta.xml'), (t) =>
      t.replace(/<relationshipName>.*<\/relationshipName>/, ''),
    );
    edit(path.join(copy.root, 'main', 'default', 'permissionsets', 'Audience_User.permissionset-meta.xml'), (t) =>
      t.replace(
        '<fieldPermissions>',
        '<fieldPermissions><editable>false</editable><field>Audience_Member__c.Audience__c</field><readable>true</readable></fieldPermissions><fieldPermissions>',
      ),
    );

    const problems = checkMetadataFiles(copy.root).flatMap((r) => r.problems.map((p) => `${r.name}${p}`));

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Audience__c\/fields\/Status__c\.field-meta\.xml: Picklist field needs a <valueSet>/),
        expect.stringMatching(
          /Audience_Run__c\/fields\/Audience__c\.field-meta\.xml: Lookup field missing <relationshipName>/,
        ),
        expect.stringMatching(
          /Audience_User\.permissionset-meta\.xml: .*Audience_Member__c\.Audience__c, a required or master-detail/,
        ),
      ]),
    );
    expect(problems).toHaveLength(3);
  });
});

describe('scripts/check/metadata.ts', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => {
    cleanup?.();
    cleanup = undefined;
  });

  it(
    'passes on the real tree, conversion included',
    () => {
      const run = runCheck('metadata.ts');
      expect(run.stdout).not.toContain('✗');
      expect(run.lastLine).toMatch(/^\d+ passed, 0 failed$/);
      expect(run.status).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'fails on an unclosed element, a Text field without length and an unconvertible file, naming each',
    () => {
      const copy = copyForceApp();
      cleanup = copy.cleanup;
      const fields = path.join(copy.root, 'main', 'default', 'objects', 'Audience__c', 'fields');
      edit(path.join(fields, 'Filter__c.field-meta.xml'), (t) => t.replace('<label>Filter</label>', '<label>Filter'));
      edit(path.join(fields, 'Status_Message__c.field-meta.xml'), (t) => t.replace(/\s*<length>255<\/length>/, ''));
      // Not XML-level wrong, but no Salesforce metadata type ends in .fieldx-meta.xml: only the CLI notices.
      writeFileSync(
        path.join(fields, 'Stray.fieldx-meta.xml'),
        '<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="http://soap.sforce.com/2006/04/metadata"><label>x</label></CustomField>\n',
      );

      const run = runCheck('metadata.ts', copy.root);

      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/✗ \S*Filter__c\.field-meta\.xml: malformed XML at line \d+/);
      expect(run.stdout).toMatch(/✗ \S*Status_Message__c\.field-meta\.xml: Text field missing <length>/);
      expect(run.stdout).toMatch(/✗ sf project convert source: exit status 1: .*Stray\.fieldx-meta\.xml/);
      expect(run.lastLine).toMatch(/^\d+ passed, 3 failed$/);
    },
    TIMEOUT,
  );
});
