import { z } from 'zod';
import { SIGNAL_ATTRIBUTE_KEYS } from '../domain/attributes';
import type { RecordObject } from '../domain/mirror-record';
import type { LoadedSignalRule } from './signal-rule';

export { SIGNAL_ATTRIBUTE_KEYS };
export type SignalAttributeKey = (typeof SIGNAL_ATTRIBUTE_KEYS)[number];

/**
 * One detection, as a detector (scheduled, change-driven or the inbound webhook) hands it to the firer. `identity`
 * names the event (new employer domain, funding round id, the sender's event id…): the signal's `Key__c` is made of
 * the rule, the record and it, so the same event never fires twice.
 */
export interface SignalFiring {
  rule: LoadedSignalRule;
  object: RecordObject;
  recordId: string;
  identity: string;
  summary: string;
  /** Stored as JSON in `Evidence__c`: sources, old and new values. */
  evidence: Record<string, unknown>;
  /** 0..1 (stored as a percent: 0.8 → 80). */
  confidence: number;
  occurredAt: string;
  attributes?: Partial<Record<SignalAttributeKey, string | number>>;
  /** The detector run (`Audience_Run__c` of type Signal) this firing belongs to, when any. */
  runId?: string;
}

/** What firing came to: a new `Audience_Signal__c`, or the same event seen again (nothing done). */
export type FireOutcome =
  | { status: 'fired'; signalId: string; key: string }
  | { status: 'duplicate'; signalId: string; key: string }
  | { status: 'failed'; key: string; message: string };

/** The use case every detector calls. */
export interface SignalSink {
  fire(firing: SignalFiring): Promise<FireOutcome>;
}

/** Queued on `signals` (job name `notify`) after a new signal is stored: Slack tells the people the rule names. */
export const signalNotifyJobSchema = z.object({
  signalId: z.string().min(1),
  ruleId: z.string().min(1),
  object: z.enum(['Contact', 'Lead', 'Account']),
  recordId: z.string().min(1),
});
export type SignalNotifyJob = z.infer<typeof signalNotifyJobSchema>;
