import type { Router } from 'express';
import type { RedisClient as Redis } from '../state/redis';
import type { Logger } from '../lib/logger';
import type { ActionStep } from '../pipeline/action/action-step';
import { ActionRateLimiter } from '../pipeline/action/targets/shared/action-rate-limiter';
import { parseJobData } from '../queues/job-data';
import type { QueueFactory } from '../queues/queue-factory';
import type { OrgClient } from '../salesforce/org-client';
import type { CollectionsClient } from '../salesforce/writers/collections-client';
import { signalNotifyJobSchema } from '../signals/signal-firing';
import type { SignalJobRouter } from '../signals/signal-jobs';
import type { LoadedSignalRule } from '../signals/signal-rule';
import { AudienceLookup } from './audience-lookup';
import { runDeferrable } from './deferred-job';
import { SignalButtons } from './signal-buttons';
import { SignalEnrolment, signalEnrolJobSchema } from './signal-enrolment';
import { SignalNotifier, type NotifyOutcome } from './signal-notifier';
import { SignalRecords } from './signal-records';
import { createSlackInteractions } from './slack-interactions';
import { SlackPostClaims } from './slack-post-claims';
import { SlackUserDirectory } from './slack-user-directory';
import { SlackWebClient, type FetchLike } from './slack-web-client';

/** `SLACK_BOT_TOKEN`, `SLACK_SIGNING_SECRET`, `SLACK_API_URL`. */
export interface SlackSettings {
  botToken: string;
  /** Without it Slack cannot call us: cards are posted, buttons and `/audience` are off. */
  signingSecret?: string;
  apiUrl: string;
}

/** What the Slack step needs from the loop (the composed `Loop` has all of it). */
export interface SlackLoopParts {
  deps: { org: OrgClient; redis: Redis; logger: Logger };
  settings: { prefix: string };
  config: {
    current: { signalRules: readonly LoadedSignalRule[]; audiences: readonly { id: string; name: string }[] };
  };
  queues: QueueFactory;
  actions: ActionStep;
  signals: { jobs: SignalJobRouter };
}

export interface SlackStep {
  notifier: SignalNotifier;
  /** Mounted at `/slack/events` (absent without a signing secret). */
  router?: Router;
}

/**
 * The Slack step: registers the `notify` (cards) and `enrol` (the Enrol button) jobs on the signals worker, and
 * builds Bolt's router for the buttons and `/audience`. Call before the loop starts (jobs are registered before
 * the worker runs). `collections` writes the signals' status (the one Collections client of the org).
 */
export function attachSlackStep(
  loop: SlackLoopParts,
  collections: CollectionsClient,
  settings: SlackSettings,
  options: { fetch?: FetchLike } = {},
): SlackStep {
  const { org, redis, logger: rootLogger } = loop.deps;
  const logger = rootLogger.child({ component: 'slack' });
  const prefix = loop.settings.prefix;
  const slack = new SlackWebClient({ token: settings.botToken, apiUrl: settings.apiUrl, fetch: options.fetch });
  const records = new SignalRecords(org, collections);
  const rules = () => loop.config.current.signalRules;
  const instanceUrl = org.instanceUrl;
  const notifier = new SignalNotifier({
    records,
    slack,
    directory: new SlackUserDirectory(slack, redis, prefix),
    claims: new SlackPostClaims(redis, prefix),
    limiter: new ActionRateLimiter(redis, prefix),
    rules,
    instanceUrl,
    logger,
  });
  const enrolment = new SignalEnrolment({ actions: loop.actions, records, logger });

  loop.signals.jobs.handle('notify', (job, token) => {
    const data = parseJobData(signalNotifyJobSchema, job);
    return runDeferrable(
      job,
      token,
      () => notifier.notify(data),
      async (reason): Promise<NotifyOutcome> => {
        await records.update(data.signalId, { message: `Slack: ${reason}` });
        return { status: 'failed', message: reason, posted: [] };
      },
    );
  });
  loop.signals.jobs.handle('enrol', (job, token) => {
    const data = parseJobData(signalEnrolJobSchema, job);
    return runDeferrable(
      job,
      token,
      () => enrolment.enrol(data),
      async (reason) => {
        await records.update(data.signalId, { message: `Enrol: ${reason}` });
        return 'gave up';
      },
    );
  });

  if (!settings.signingSecret) {
    logger.warn('SLACK_SIGNING_SECRET is not set: signal cards are posted, their buttons and /audience are off');
    return { notifier };
  }
  const { router } = createSlackInteractions({
    signingSecret: settings.signingSecret,
    botToken: settings.botToken,
    apiUrl: settings.apiUrl,
    buttons: new SignalButtons({ records, slack, rules, signalsQueue: loop.queues.queue('signals'), logger }),
    lookup: new AudienceLookup({
      records,
      instanceUrl,
      audienceName: (id) => loop.config.current.audiences.find((a) => a.id === id)?.name,
    }),
    logger,
  });
  return { notifier, router };
}
