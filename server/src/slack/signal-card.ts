import { z } from 'zod';
import type { SignalObject, SignalSubject, StoredSignal } from './signal-records';
import { clip, escapeMrkdwn } from './slack-text';

/** The buttons' action ids (Bolt routes clicks by them). */
export const SIGNAL_ACTIONS = {
  open: 'signal_open',
  enrol: 'signal_enrol',
  dismiss: 'signal_dismiss',
} as const;

/** What a button carries back: enough to find the signal and its record without trusting anything else. */
export const signalButtonValueSchema = z.object({
  signalId: z.string().min(1),
  object: z.enum(['Contact', 'Lead', 'Account']),
  recordId: z.string().min(1),
});
export type SignalButtonValue = z.infer<typeof signalButtonValueSchema>;

export interface SignalCardInput {
  signal: StoredSignal;
  subject: SignalSubject;
  ruleName: string;
  /** The rule has an `Enrol_Action__c`: show Enrol. */
  enrol: boolean;
  /** `<instance url>/lightning/r/<object>/<id>/view`. */
  recordUrl: string;
}

export interface SlackMessage {
  text: string;
  blocks: unknown[];
}

/** The Lightning page of a record. */
export function recordUrl(instanceUrl: string, object: SignalObject, recordId: string): string {
  return `${instanceUrl.replace(/\/$/, '')}/lightning/r/${object}/${recordId}/view`;
}

/** Evidence as a few `key: value` lines (nested values as compact JSON). */
export function evidenceSummary(evidence: Record<string, unknown>, maxLines = 6): string {
  const lines = Object.entries(evidence)
    .slice(0, maxLines)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return lines.length > 0 ? lines.join('\n') : 'none given';
}

/**
 * The Block Kit card of a signal: who, what changed, the evidence, the confidence and when, with Open in
 * Salesforce, Enrol (when the rule names an action) and Dismiss. `text` is the notification's fallback.
 */
export function signalCard(input: SignalCardInput): SlackMessage {
  const { signal, subject } = input;
  const value = JSON.stringify({ signalId: signal.id, object: subject.object, recordId: subject.id });
  const what = signal.summary || signal.type || 'signal';
  const confidence = signal.confidence === undefined ? 'n/a' : `${Math.round(signal.confidence)}%`;
  const when = signal.firedAt ? signal.firedAt.slice(0, 16).replace('T', ' ') + ' UTC' : 'just now';
  const buttons: Record<string, unknown>[] = [
    {
      type: 'button',
      action_id: SIGNAL_ACTIONS.open,
      text: { type: 'plain_text', text: 'Open in Salesforce' },
      url: input.recordUrl,
    },
  ];
  if (input.enrol) {
    buttons.push({
      type: 'button',
      action_id: SIGNAL_ACTIONS.enrol,
      style: 'primary',
      text: { type: 'plain_text', text: 'Enrol' },
      value,
    });
  }
  buttons.push({
    type: 'button',
    action_id: SIGNAL_ACTIONS.dismiss,
    style: 'danger',
    text: { type: 'plain_text', text: 'Dismiss' },
    value,
  });
  return {
    text: clip(`${signal.type ?? 'Signal'}: ${subject.name} — ${what}`, 300),
    blocks: [
      {
        type: 'section',
        block_id: `signal:${signal.id}`,
        text: {
          type: 'mrkdwn',
          text: clip(`*<${input.recordUrl}|${escapeMrkdwn(subject.name)}>* — ${escapeMrkdwn(what)}`, 3000),
        },
        fields: [
          {
            type: 'mrkdwn',
            text: `*Signal*\n${escapeMrkdwn(signal.type ?? 'Signal')} (${escapeMrkdwn(input.ruleName)})`,
          },
          { type: 'mrkdwn', text: `*Confidence*\n${confidence}` },
          { type: 'mrkdwn', text: clip(`*Evidence*\n${escapeMrkdwn(evidenceSummary(signal.evidence))}`, 2000) },
          { type: 'mrkdwn', text: `*When*\n${when}` },
        ],
      },
      { type: 'actions', block_id: `signal_actions:${signal.id}`, elements: buttons },
    ],
  };
}

/** The card after a button acted: the same content, the buttons replaced by what happened. */
export function settledCard(blocks: unknown[], note: string): unknown[] {
  const kept = blocks.filter((block) => (block as { type?: string }).type !== 'actions');
  return [...kept, { type: 'context', elements: [{ type: 'mrkdwn', text: clip(note, 3000) }] }];
}
