import { appendFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Per-record tracing for chaos investigations: `TRACE_RECORD_IDS=<id>,<id>,…` and `TRACE_RECORD_FILE=<path>` make
 * the mirror, the change intake, the subscriber and the refresher append one JSON line per step they take for those
 * records (mirror puts and patches, change events with their replay ids, write plans, audience events). Written
 * synchronously on purpose: a `kill -9` must not lose the lines that lead up to it. Off (one lookup) unless both
 * variables are set. Ids are compared by their first 15 characters (case-sensitive id, either length).
 */
const settings = z
  .object({
    TRACE_RECORD_IDS: z.string().trim().min(1).optional(),
    TRACE_RECORD_FILE: z.string().trim().min(1).optional(),
  })
  .parse(process.env);

const tracedIds = new Set(
  settings.TRACE_RECORD_FILE
    ? (settings.TRACE_RECORD_IDS ?? '')
        .split(',')
        .map((id) => id.trim().slice(0, 15))
        .filter((id) => id.length === 15)
    : [],
);

/** Whether tracing is on at all (for steps that are not about one record: replay-id commits, subscribes). */
export const tracing = tracedIds.size > 0;

/** Whether this record is traced. */
export function traced(recordId: string): boolean {
  return tracing && tracedIds.has(recordId.slice(0, 15));
}

/** The fields a trace line shows of a record: what the chaos scenario edits and what the loop computes from it. */
const SHOWN = ['Title', 'Email', 'Seniority__c', 'Email_Status__c', 'SystemModstamp', 'LastModifiedDate'];

export function shownFields(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  const shown: Record<string, unknown> = {};
  for (const name of SHOWN) if (Object.hasOwn(fields, name)) shown[name] = fields[name];
  return shown;
}

/** Appends one line for `recordId` (`*` for a step about the stream as a whole) when it is traced. */
export function traceRecord(recordId: string, step: string, data: Record<string, unknown> = {}): void {
  if (!tracing || (recordId !== '*' && !traced(recordId)) || !settings.TRACE_RECORD_FILE) return;
  const line = JSON.stringify({ at: new Date().toISOString(), pid: process.pid, id: recordId, step, ...data });
  try {
    appendFileSync(settings.TRACE_RECORD_FILE, `${line}\n`);
  } catch {
    // A trace that cannot be written must never stop the loop.
  }
}
