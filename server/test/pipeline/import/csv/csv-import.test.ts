import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCsvImportKit, type CsvImportKit } from './csv-import-support';

let kit: CsvImportKit;

beforeAll(async () => {
  kit = await startCsvImportKit();
});

afterAll(async () => {
  await kit.close();
});

const statusOf = (report: Awaited<ReturnType<CsvImportKit['importCsv']>>, line: number) =>
  report.outcomes.find((o) => o.line === line);

describe('CSV import into Contact', () => {
  it('when rows match by email in any case, then blanks are filled, values a person set are kept and bad rows are reported by line', async () => {
    const ann = await kit.createContact({ LastName: 'Lee', Email: 'ann@acme.com', Department: 'Sales' });
    const bob = await kit.createContact({ LastName: 'Ray', Email: 'bob@acme.com', Title: 'CEO' });
    const file = kit.writeCsv(
      'basic.csv',
      'Email,Title,Department\nANN@Acme.com,CTO,Marketing\nbob@acme.com,CFO,\nnot-an-email,VP,\nnobody@acme.com,VP,\n',
    );

    const report = await kit.importCsv({ file });

    expect(report.rows).toBe(4);
    expect(report.totals).toEqual({ created: 0, updated: 1, unchanged: 0, skipped: 2, failed: 1 });
    expect(statusOf(report, 2)).toMatchObject({ status: 'updated', recordId: ann, fields: ['Title'] });
    expect(statusOf(report, 2)?.fieldNotes?.[0]).toMatchObject({ field: 'Department', reason: 'rule' });
    expect(statusOf(report, 3)).toMatchObject({ status: 'skipped', reason: 'rule', recordId: bob });
    expect(statusOf(report, 4)).toMatchObject({ status: 'failed', reason: 'bad_email' });
    expect(statusOf(report, 4)?.detail).toContain('not-an-email');
    expect(statusOf(report, 5)).toMatchObject({ status: 'skipped', reason: 'no_match' });
    expect(await kit.contact(ann)).toMatchObject({ Title: 'CTO', Department: 'Sales' });
    expect((await kit.contact(bob)).Title).toBe('CEO');
    // The write is ours now: ledger and provenance both say so.
    expect((await kit.ledger.get(ann)).Title?.value).toBe('CTO');
    expect(JSON.parse(String((await kit.contact(ann)).Audience_Provenance__c)).Title).toMatchObject({
      value: 'CTO',
      provider: 'csv:basic.csv',
    });

    const again = await kit.importCsv({ file });
    expect(statusOf(again, 2)).toMatchObject({ status: 'skipped', reason: 'rule' });
    expect(again.totals.updated).toBe(0);
  });

  it('when --create is given, then rows that match nothing are inserted and the rest still land', async () => {
    const existing = await kit.createContact({ LastName: 'Old', Email: 'old@create.test' });
    const file = kit.writeCsv(
      'create.csv',
      'Email,LastName,FirstName,Title\nnew1@create.test,One,Ada,CTO\nold@create.test,Old,,VP\nnew2@create.test,,Bo,\nbad@@create.test,X,,\n',
    );

    const report = await kit.importCsv({ file, create: true });

    expect(report.totals).toEqual({ created: 1, updated: 1, unchanged: 0, skipped: 0, failed: 2 });
    const created = statusOf(report, 2);
    expect(created).toMatchObject({ status: 'created' });
    expect(await kit.contact(String(created?.recordId))).toMatchObject({
      Email: 'new1@create.test',
      LastName: 'One',
      FirstName: 'Ada',
      Title: 'CTO',
    });
    expect(statusOf(report, 3)).toMatchObject({ status: 'updated', recordId: existing, fields: ['Title'] });
    // Salesforce refuses a Contact without LastName: a recorded failure, with its reason.
    expect(statusOf(report, 4)).toMatchObject({ status: 'failed', reason: 'salesforce_error' });
    expect(statusOf(report, 4)?.detail).toContain('REQUIRED_FIELD_MISSING');
    expect(statusOf(report, 5)).toMatchObject({ status: 'failed', reason: 'bad_email' });
  });

  it('when the file holds one email twice, then the later row wins and the earlier is reported as superseded', async () => {
    const id = await kit.createContact({ LastName: 'Dup', Email: 'dup@dup.test' });
    const file = kit.writeCsv('dup.csv', 'Email,Title\ndup@dup.test,First\nother@dup.test,\nDUP@dup.test,Second\n');

    const report = await kit.importCsv({ file });

    expect(statusOf(report, 2)).toMatchObject({ status: 'skipped', reason: 'superseded' });
    expect(statusOf(report, 2)?.detail).toContain('line 4');
    expect(statusOf(report, 4)).toMatchObject({ status: 'updated', recordId: id });
    expect((await kit.contact(id)).Title).toBe('Second');
    expect(report.totals.skipped + report.totals.updated).toBe(3);
  });

  it('when a field map sets a rule, then it applies instead of the Fill_Blank default', async () => {
    await kit.fieldMap('MobilePhone', 'Always');
    await kit.fieldMap('HomePhone', 'Never');
    const id = await kit.createContact({
      LastName: 'Rule',
      Email: 'rule@rule.test',
      MobilePhone: '+14155550100',
      HomePhone: '+14155550101',
    });
    const file = kit.writeCsv(
      'rules.csv',
      'Email,MobilePhone,HomePhone\nrule@rule.test,+1 415 555 0199,+1 415 555 0198\n',
    );

    const report = await kit.importCsv({ file });

    expect(report.mappedRules).toEqual({ MobilePhone: 'Always', HomePhone: 'Never' });
    expect(statusOf(report, 2)).toMatchObject({ status: 'updated', fields: ['MobilePhone'] });
    expect(await kit.contact(id)).toMatchObject({ MobilePhone: '+1 415 555 0199', HomePhone: '+14155550101' });
  });

  it('when --rule Always is given, then unmapped fields are overwritten', async () => {
    const id = await kit.createContact({ LastName: 'Al', Email: 'always@rule.test', Title: 'Old' });
    const file = kit.writeCsv('always.csv', 'Email,Title\nalways@rule.test,New\n');
    const report = await kit.importCsv({ file, rule: 'Always' });
    expect(report.totals.updated).toBe(1);
    expect((await kit.contact(id)).Title).toBe('New');
  });

  it('when values do not fit their fields, then each row names its problem and the others proceed', async () => {
    const id = await kit.createContact({ LastName: 'Fit', Email: 'fit@fit.test' });
    const long = 'x'.repeat(200);
    const file = kit.writeCsv(
      'bad.csv',
      [
        'Email,Title,Birthdate,Phone,Nickname',
        `fit@fit.test,${long},,,`,
        'fit@fit.test,,not a date,,',
        'fit@fit.test,,,call me,',
        'fit@fit.test,,,,Bobby',
        'fit@fit.test,Ok,,,,extra',
        'fit@fit.test,Ok',
        ',Ok,,,',
        'fit@fit.test,Good,1990-02-03,(415) 555-0132,',
      ].join('\n'),
    );

    const report = await kit.importCsv({ file });

    expect(report.rows).toBe(8);
    expect(report.outcomes.map((o) => [o.line, o.status, o.reason ?? ''])).toEqual([
      [2, 'failed', 'too_long'],
      [3, 'failed', 'bad_value'],
      [4, 'failed', 'bad_phone'],
      [5, 'failed', 'unknown_column'],
      [6, 'failed', 'unknown_column'],
      [7, 'failed', 'bad_row'],
      [8, 'failed', 'missing_key'],
      [9, 'updated', ''],
    ]);
    expect(report.warnings[0]).toContain('Nickname');
    expect(await kit.contact(id)).toMatchObject({ Title: 'Good', Birthdate: '1990-02-03', Phone: '(415) 555-0132' });
  });

  it('when the file has a BOM, CRLF line ends and quoted fields, then values and line numbers come out right', async () => {
    const id = await kit.createContact({ LastName: 'Q', Email: 'quoted@q.test' });
    const other = await kit.createContact({ LastName: 'R', Email: 'second@q.test' });
    const file = kit.writeCsv(
      'quoted.csv',
      '\ufeffEmail,Title,Description\r\n' +
        '"quoted@q.test","Head of ""Growth"", EMEA","line one\r\nline two"\r\n' +
        '\r\n' +
        'second@q.test,Boss,plain\r\n' +
        '"broken@q.test,x\r\n',
    );

    const report = await kit.importCsv({ file });

    expect(statusOf(report, 2)).toMatchObject({ status: 'updated', recordId: id });
    expect(statusOf(report, 5)).toMatchObject({ status: 'updated', recordId: other });
    expect(statusOf(report, 6)).toMatchObject({ status: 'failed', reason: 'unreadable' });
    expect(await kit.contact(id)).toMatchObject({ Title: 'Head of "Growth", EMEA', Description: 'line one\nline two' });
    expect(report.rows).toBe(3);
  });

  it('when matching by Id, then 15- and 18-character ids find their record and unknown ids are skipped', async () => {
    const id = await kit.createContact({ LastName: 'Id', Email: 'id@id.test' });
    const file = kit.writeCsv(
      'ids.csv',
      `Id,Title\n${id.slice(0, 15)},Fifteen\n003000000000000AAA,Nope\nnot-an-id,X\n`,
    );

    const report = await kit.importCsv({ file, match: 'Id', create: true });

    expect(statusOf(report, 2)).toMatchObject({ status: 'updated', recordId: id });
    expect(statusOf(report, 3)).toMatchObject({ status: 'skipped', reason: 'no_match' });
    expect(statusOf(report, 4)).toMatchObject({ status: 'failed', reason: 'bad_value' });
    expect((await kit.contact(id)).Title).toBe('Fifteen');
  });

  it('records the import as an Audience_Run__c of type Import with totals that add up', async () => {
    await kit.createContact({ LastName: 'Run', Email: 'run@run.test' });
    const file = kit.writeCsv('run.csv', 'Email,Title\nrun@run.test,Lead\nbad,\nmissing@run.test,X\n');

    const report = await kit.importCsv({ file });

    const sum = Object.values(report.totals).reduce((a, b) => a + b, 0);
    expect(sum).toBe(report.rows);
    expect(report.outcomes).toHaveLength(report.rows);
    expect(report.runId).toBeDefined();
    const run = (await kit.conn.sobject('Audience_Run__c').retrieve(String(report.runId))) as unknown as Record<
      string,
      unknown
    >;
    expect(run).toMatchObject({
      Type__c: 'Import',
      Status__c: 'Partially_Succeeded',
      Total__c: 3,
      Processed__c: 3,
      Succeeded__c: 1,
      Failed__c: 1,
      Skipped__c: 1,
    });
  });
  it('when a --map alias names the column, then it fills that field', async () => {
    const id = await kit.createContact({ LastName: 'Map', Email: 'map@map.test' });
    const file = kit.writeCsv('map.csv', 'E-mail,Job title\nmap@map.test,Analyst\n');
    const report = await kit.importCsv({ file, map: { 'E-mail': 'Email', 'Job title': 'Title' } });
    expect(report.totals.updated).toBe(1);
    expect((await kit.contact(id)).Title).toBe('Analyst');
  });

  it('when the header cannot be used, then the import stops before writing with a coded error', async () => {
    const noKey = kit.writeCsv('nokey.csv', 'Title\nCEO\n');
    await expect(kit.importCsv({ file: noKey })).rejects.toMatchObject({ code: 'CSV_BAD_HEADER' });
    const twice = kit.writeCsv('twice.csv', 'Email,email\na@b.test,a@b.test\n');
    await expect(kit.importCsv({ file: twice })).rejects.toMatchObject({ code: 'CSV_BAD_HEADER' });
    const file = kit.writeCsv('alias.csv', 'Email\na@b.test\n');
    await expect(kit.importCsv({ file, map: { Missing: 'Title' } })).rejects.toMatchObject({
      code: 'CSV_BAD_ARGUMENTS',
    });
    await expect(kit.importCsv({ file, match: 'Birthdate' })).rejects.toMatchObject({ code: 'CSV_BAD_ARGUMENTS' });
  });
  // Last: its Tracked map on Department would change what the earlier tests expect of that field.
  it("when a field is Tracked, then the import writes blanks and its own values but never a person's edit", async () => {
    await kit.fieldMap('Department', 'Tracked');
    const theirs = await kit.createContact({ LastName: 'T1', Email: 't1@tracked.test', Department: 'Sales' });
    const ours = await kit.createContact({ LastName: 'T2', Email: 't2@tracked.test' });
    const csv = (value: string) =>
      kit.writeCsv(`tracked-${value}.csv`, `Email,Department\nt1@tracked.test,${value}\nt2@tracked.test,${value}\n`);

    const first = await kit.importCsv({ file: csv('Ops') });
    expect(statusOf(first, 2)).toMatchObject({ status: 'skipped', reason: 'not_ours', recordId: theirs });
    expect(statusOf(first, 3)).toMatchObject({ status: 'updated', recordId: ours });

    const second = await kit.importCsv({ file: csv('Finance') });
    expect(statusOf(second, 3)).toMatchObject({ status: 'updated' });
    expect((await kit.contact(ours)).Department).toBe('Finance');

    await kit.conn.sobject('Contact').update({ Id: ours, Department: 'HR' });
    const third = await kit.importCsv({ file: csv('Legal') });
    expect(statusOf(third, 3)).toMatchObject({ status: 'skipped', reason: 'not_ours' });
    expect((await kit.contact(ours)).Department).toBe('HR');
    expect((await kit.contact(theirs)).Department).toBe('Sales');
  });
});
