import type { Queue } from 'bullmq';
import type { Logger } from '../lib/logger';
import { jobId } from '../queues/job-ids';
import type { LoadedSignalRule } from '../signals/signal-rule';
import { settledCard, type SignalButtonValue } from './signal-card';
import type { SignalEnrolJob } from './signal-enrolment';
import type { SignalRecords } from './signal-records';
import type { SlackWebClient } from './slack-web-client';

/** Where a click came from: the clicker and the message the buttons are on. */
export interface ButtonClick {
  value: SignalButtonValue;
  userId: string;
  channel?: string;
  ts?: string;
  blocks?: unknown[];
}

export interface SignalButtonsDeps {
  records: SignalRecords;
  slack: SlackWebClient;
  rules: () => readonly LoadedSignalRule[];
  /** The `signals` queue (Enrol jobs). */
  signalsQueue: Queue;
  logger: Logger;
  now?: () => Date;
}

/**
 * What the card's buttons do. Dismiss: `Status__c = Dismissed` and the message says who and when. Enrol: an `enrol`
 * job whose id is the application's (a double click adds it once; the action step applies it once anyway).
 * Each answer is the text for the clicker when the click did nothing.
 */
export class SignalButtons {
  private readonly now: () => Date;

  constructor(private readonly deps: SignalButtonsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async dismiss(click: ButtonClick): Promise<string | undefined> {
    const signal = await this.deps.records.signal(click.value.signalId);
    if (!signal || signal.recordId !== click.value.recordId) return 'This signal no longer exists.';
    const when = this.stamp();
    if (signal.status !== 'Dismissed') {
      await this.deps.records.update(signal.id, {
        status: 'Dismissed',
        message: `dismissed by <@${click.userId}> ${when}`,
      });
    }
    await this.updateMessage(click, `:no_entry_sign: Dismissed by <@${click.userId}> at ${when}`);
    return undefined;
  }

  async enrol(click: ButtonClick): Promise<string | undefined> {
    const signal = await this.deps.records.signal(click.value.signalId);
    if (!signal || signal.recordId !== click.value.recordId) return 'This signal no longer exists.';
    if (signal.status === 'Dismissed') return 'This signal was dismissed.';
    const rule = this.deps.rules().find((r) => r.id === signal.ruleId);
    if (!rule?.enrolActionId) return 'The signal’s rule has no Enrol action any more.';
    const data: SignalEnrolJob = {
      signalId: signal.id,
      actionId: rule.enrolActionId,
      recordId: click.value.recordId,
      requestedBy: click.userId,
      at: this.now().toISOString(),
    };
    await this.deps.signalsQueue.add('enrol', data, { jobId: jobId('enrol', rule.enrolActionId, signal.id) });
    await this.updateMessage(click, `:white_check_mark: Enrol requested by <@${click.userId}> at ${this.stamp()}`);
    return undefined;
  }

  private stamp(): string {
    return `${this.now().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  }

  private async updateMessage(click: ButtonClick, note: string): Promise<void> {
    if (!click.channel || !click.ts) return;
    const reply = await this.deps.slack.updateMessage({
      channel: click.channel,
      ts: click.ts,
      text: note,
      blocks: settledCard(click.blocks ?? [], note),
    });
    // The record is what counts; a message we cannot update is logged, not retried.
    if (!reply.ok) this.deps.logger.warn({ error: reply.error, channel: click.channel }, 'chat.update refused');
  }
}
