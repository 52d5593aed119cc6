/**
 * One BullMQ queue per pipeline stage, so a slow or paused stage (a bulk run, a paid provider) never holds up the
 * others, and each stage can be paused, scaled and watched on its own.
 */
export const QUEUE_NAMES = [
  /** Paid-provider enrichment of one record. */
  'enrich',
  /** Audience entry/exit events that trigger actions. */
  'membership',
  /** Bulk runs, imports and reconciliations. */
  'runs',
  /** Signal detectors (scheduled and change-driven) and the Slack notifications of fired signals. */
  'signals',
  /** Warehouse source imports (Postgres, Snowflake): one job per scheduled or requested run of a source. */
  'warehouse',
  /** Prospect searches (PDL, Apollo): one job per scheduled run of a source; paid, so apart from the rest. */
  'prospects',
] as const;

export type QueueName = (typeof QUEUE_NAMES)[number];

export function isQueueName(value: string): value is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(value);
}
