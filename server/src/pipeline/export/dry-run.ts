import type { FieldValue, RecordObject } from '../../domain/mirror-record';
import { addSkips, emptySkipTally, type SkipTally } from './skip-tally';
import type { RecordWritePlan } from './write-plan';

export interface DryRunSample {
  recordId: string;
  before: FieldValue;
  after: FieldValue;
}

export interface DryRunFieldReport {
  object: RecordObject;
  field: string;
  wouldWrite: number;
  skips: SkipTally;
  /** The first few changes, in plan order, so the admin sees what the values would become. */
  samples: DryRunSample[];
}

export interface DryRunReport {
  records: number;
  /** Records that would receive at least one write. */
  recordsToWrite: number;
  fieldWrites: number;
  skips: SkipTally;
  /** Keyed `<Object>.<Field>`, sorted. */
  fields: Record<string, DryRunFieldReport>;
}

export interface DryRunOptions {
  samplesPerField?: number;
}

/** What an export would do, from its plans alone: nothing is written and nothing is read. */
export function buildDryRunReport(plans: readonly RecordWritePlan[], options: DryRunOptions = {}): DryRunReport {
  const samplesPerField = options.samplesPerField ?? 5;
  const byField = new Map<string, DryRunFieldReport>();
  const fieldReport = (object: RecordObject, field: string): DryRunFieldReport => {
    const key = `${object}.${field}`;
    let report = byField.get(key);
    if (report === undefined) {
      report = { object, field, wouldWrite: 0, skips: emptySkipTally(), samples: [] };
      byField.set(key, report);
    }
    return report;
  };
  const skips = emptySkipTally();
  let recordsToWrite = 0;
  let fieldWrites = 0;
  for (const plan of plans) {
    if (plan.changes.length > 0) recordsToWrite += 1;
    for (const change of plan.changes) {
      const report = fieldReport(plan.object, change.field);
      report.wouldWrite += 1;
      fieldWrites += 1;
      if (report.samples.length < samplesPerField) {
        report.samples.push({ recordId: plan.recordId, before: change.before, after: change.after });
      }
    }
    for (const skip of plan.skips) addSkips(fieldReport(plan.object, skip.field).skips, [skip]);
    addSkips(skips, plan.skips);
  }
  const fields: Record<string, DryRunFieldReport> = {};
  for (const key of [...byField.keys()].sort()) fields[key] = byField.get(key) as DryRunFieldReport;
  return { records: plans.length, recordsToWrite, fieldWrites, skips, fields };
}

function shown(value: unknown): string {
  const text = value === null ? '(blank)' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The report as plain lines for the terminal and the run record's Status_Message__c / Error_Summary__c. */
export function formatDryRunReport(report: DryRunReport): string {
  const lines = [
    `Dry run: ${report.records} records, ${report.recordsToWrite} would be written (${report.fieldWrites} field values)`,
  ];
  for (const [key, field] of Object.entries(report.fields)) {
    const skipped = Object.entries(field.skips)
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ');
    lines.push(`  ${key}: would write ${field.wouldWrite}${skipped ? `; skipped ${skipped}` : ''}`);
    for (const sample of field.samples) {
      lines.push(`    ${sample.recordId}: ${shown(sample.before)} -> ${shown(sample.after)}`);
    }
  }
  return lines.join('\n');
}
