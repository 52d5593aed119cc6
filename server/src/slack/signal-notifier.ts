import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../lib/logger';
import type { ActionRateLimiter } from '../pipeline/action/targets/shared/action-rate-limiter';
import type { SignalNotifyJob } from '../signals/signal-firing';
import type { LoadedSignalRule } from '../signals/signal-rule';
import { recordUrl, signalCard, type SlackMessage } from './signal-card';
import type { SignalRecords } from './signal-records';
import { isRetryableSlackError, SlackRetryLaterError, slackErrorHint } from './slack-errors';
import type { SlackPostClaims } from './slack-post-claims';
import type { SlackUserDirectory } from './slack-user-directory';
import type { SlackWebClient } from './slack-web-client';

/** chat.postMessage: about one message a second per channel (shared with the Slack_Message action). */
const PER_CHANNEL = { capacity: 1, windowMs: 1_000 };
/** Waits up to this long in the worker for the channel's turn; longer, the job comes back later. */
const MAX_INLINE_WAIT_MS = 2_000;
const DEFAULT_RETRY_MS = 5_000;

export interface SignalNotifierDeps {
  records: SignalRecords;
  slack: SlackWebClient;
  directory: SlackUserDirectory;
  claims: SlackPostClaims;
  limiter: ActionRateLimiter;
  rules: () => readonly LoadedSignalRule[];
  instanceUrl: string;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
}

/** What a notify job came to (tests and logs). */
export interface NotifyOutcome {
  status: 'notified' | 'no_recipient' | 'failed' | 'skipped';
  message: string;
  posted: { recipient: string; channel: string; ts: string }[];
}

interface Recipient {
  /** The claim's name: the owner's Slack user id or the channel id. */
  id: string;
  label: string;
}

/**
 * The Slack step of a signal (`notify` jobs): the owner's DM when the rule says Notify_Owner__c (found by email),
 * the rule's channel when set, both when both apply. Each recipient is posted to at most once (a claim in Redis);
 * posts are paced per channel; Slack's method errors end on the signal's `Notification_Message__c`, its rate
 * limits and faults come back as `SlackRetryLaterError` (the caller bounds how often).
 */
export class SignalNotifier {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: SignalNotifierDeps) {
    this.sleep = deps.sleep ?? ((ms) => delay(ms));
  }

  async notify(job: SignalNotifyJob): Promise<NotifyOutcome> {
    const { records, rules } = this.deps;
    const signal = await records.signal(job.signalId);
    if (!signal) return { status: 'skipped', message: 'the signal no longer exists', posted: [] };
    // Only a New signal is announced: a job run again after Redis lost its claims still posts nothing twice.
    if (signal.status !== 'New') return { status: 'skipped', message: `already ${signal.status}`, posted: [] };
    const rule = rules().find((r) => r.id === job.ruleId);
    if (!rule) return this.finish(job.signalId, [], ['the rule is no longer active'], false);
    const subject = await records.subject(job.object, job.recordId);
    if (!subject) return this.finish(job.signalId, [], ['the record no longer exists'], false);

    const notes: string[] = [];
    const recipients: Recipient[] = [];
    if (rule.notifyOwner) {
      const owner = await this.owner(subject.ownerId, notes);
      if (owner) recipients.push(owner);
    }
    if (rule.slackChannel) recipients.push({ id: rule.slackChannel, label: `channel ${rule.slackChannel}` });
    if (recipients.length === 0) {
      return this.finish(job.signalId, [], ['no recipient', ...notes], false, 'no_recipient');
    }

    const message = signalCard({
      signal,
      subject,
      ruleName: rule.name,
      enrol: rule.enrolActionId !== undefined,
      recordUrl: recordUrl(this.deps.instanceUrl, subject.object, subject.id),
    });
    const posted: NotifyOutcome['posted'] = [];
    let retryMs: number | undefined;
    for (const recipient of recipients) {
      const result = await this.postOnce(job.signalId, recipient, message);
      if (result.status === 'posted') posted.push({ recipient: recipient.id, ...result.message });
      else if (result.status === 'retry') retryMs = Math.min(retryMs ?? Infinity, result.delayMs);
      else notes.push(`${recipient.label}: ${result.error} (${slackErrorHint(result.error)})`);
    }
    // The recipients that worked stay posted (their claims); only the others are tried again.
    if (retryMs !== undefined) throw new SlackRetryLaterError(`signal ${job.signalId}: Slack asked to wait`, retryMs);
    const sentTo = posted.map((p) => recipients.find((r) => r.id === p.recipient)?.label ?? p.recipient);
    const outcome = await this.finish(job.signalId, sentTo, notes, posted.length > 0);
    return { ...outcome, posted };
  }

  /** The owner's Slack user, or why there is none (a note). */
  private async owner(ownerId: string | undefined, notes: string[]): Promise<Recipient | undefined> {
    if (!ownerId) {
      notes.push('the record has no owner');
      return undefined;
    }
    const user = await this.deps.records.user(ownerId);
    if (!user?.email) {
      notes.push('the owner has no email');
      return undefined;
    }
    const found = await this.deps.directory.lookup(user.email);
    if (found.status === 'found') return { id: found.userId, label: `DM to ${user.name}` };
    if (found.status === 'missing') {
      notes.push(`owner ${user.name} has no Slack user`);
      return undefined;
    }
    if (isRetryableSlackError(found.error)) {
      throw new SlackRetryLaterError(`users.lookupByEmail: ${found.error}`, found.retryAfterMs ?? DEFAULT_RETRY_MS);
    }
    notes.push(`owner lookup: ${found.error} (${slackErrorHint(found.error)})`);
    return undefined;
  }

  private async postOnce(
    signalId: string,
    recipient: Recipient,
    message: SlackMessage,
  ): Promise<
    | { status: 'posted'; message: { channel: string; ts: string } }
    | { status: 'retry'; delayMs: number }
    | { status: 'error'; error: string }
  > {
    const { claims, limiter, slack } = this.deps;
    const claim = await claims.claim(signalId, recipient.id);
    if (claim.state === 'posted') return { status: 'posted', message: claim.message };
    if (claim.state === 'busy') return { status: 'retry', delayMs: DEFAULT_RETRY_MS };
    const limitName = `slack:${recipient.id}`;
    for (;;) {
      const wait = await limiter.take(limitName, PER_CHANNEL);
      if (wait === 0) break;
      if (wait > MAX_INLINE_WAIT_MS) {
        await claims.release(signalId, recipient.id);
        return { status: 'retry', delayMs: wait };
      }
      await this.sleep(wait);
    }
    const reply = await slack.postMessage({ channel: recipient.id, text: message.text, blocks: message.blocks });
    if (reply.ok) {
      const channel = typeof reply.body.channel === 'string' ? reply.body.channel : recipient.id;
      const ts = typeof reply.body.ts === 'string' ? reply.body.ts : '';
      await claims.posted(signalId, recipient.id, { channel, ts });
      return { status: 'posted', message: { channel, ts } };
    }
    await claims.release(signalId, recipient.id);
    if (reply.retryAfterMs !== undefined) await limiter.block(limitName, reply.retryAfterMs);
    if (isRetryableSlackError(reply.error)) {
      return { status: 'retry', delayMs: reply.retryAfterMs ?? DEFAULT_RETRY_MS };
    }
    this.deps.logger.warn({ signalId, recipient: recipient.label, error: reply.error }, 'Slack refused a signal card');
    return { status: 'error', error: reply.error };
  }

  private async finish(
    signalId: string,
    sentTo: string[],
    notes: string[],
    notified: boolean,
    status?: NotifyOutcome['status'],
  ): Promise<NotifyOutcome> {
    const message = [...(sentTo.length > 0 ? [`sent: ${sentTo.join(', ')}`] : []), ...notes].join('; ');
    await this.deps.records.update(signalId, { ...(notified && { status: 'Notified' }), message });
    return {
      status: status ?? (notified ? 'notified' : 'failed'),
      message,
      posted: [],
    };
  }
}
