/**
 * Slack over the emulator, a real Redis and the loopback Slack fake: a signal stored as the firer stores it and its
 * `notify` job reach the owner's DM (owner found by email) and the rule's channel once, even when the job runs
 * again; the fake's signed Dismiss updates the record and the message; Enrol clicked twice applies the rule's
 * action once, logged with the signal; a forged or stale signature gets 401 and changes nothing; a Slack error ends
 * on the signal. Everything asserted is read from the org as the admin or from the fake's record of calls.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/src/app';
import { slackEventsRoute, type SlackEventsState } from '../../server/src/http/slack-events-route';
import { CollectionsClient } from '../../server/src/salesforce/writers/collections-client';
import { OrgClient } from '../../server/src/salesforce/org-client';
import { duplicateRedis, type RedisClient } from '../../server/src/state/redis';
import { attachSlackStep, type SlackStep } from '../../server/src/slack/slack-step';
import {
  SLACK_FAKE_CHANNELS,
  SLACK_FAKE_TOKEN,
  startSlackFake,
  type PostedMessage,
  type SlackFake,
  type SlackInteractivity,
} from '../emulators/slack/index';
import { LoopHarness, waitFor } from './support/loop-harness';

const SIGNING_SECRET = 'e2e-slack-signing-secret';
const ADMIN_SLACK_ID = 'U0ALEXMORGN';
const CLICKER = { id: 'U0CLICKER01', username: 'clicker' };

type Row = Record<string, unknown> & { Id: string };

describe('e2e: Slack signals', () => {
  let h: LoopHarness;
  let slack: SlackFake;
  let step: SlackStep | undefined;
  let server: Server;
  let events: QueueEvents;
  let eventsConnection: RedisClient | undefined;
  let clicks: SlackInteractivity;
  let state: SlackEventsState = { state: 'starting' };
  let eventsUrl: string;
  const ids = { action: '', campaign: '', ruleBoth: '', ruleBadChannel: '', ruleOwnerOnly: '', ruleChannel: '' };
  let ada = '';
  let sam = '';
  let signalCount = 0;

  beforeAll(async () => {
    slack = await startSlackFake({ users: { 'alex.morgan@audience-loop.demo': 'U0ALEXMORGN' } });
    h = await LoopHarness.create({
      start: false,
      sources: [{ Object__c: 'Contact' }],
      fieldMaps: [],
      // Nobody matches: the Enrol button is the only way the action reaches a record.
      audiences: [
        { Name: 'Nobody', Object__c: 'Contact', Filter__c: '{"field":"Title","op":"eq","value":"x-none"}' },
        { Name: 'VPs', Object__c: 'Contact', Filter__c: '{"field":"Title","op":"contains","value":"VP"}' },
      ],
    });
    // The rep has no Slack user in this workspace (the fake knows only the admin).
    const samId = h.userIds.rep;
    [ada, sam] = (await h.createRecords('Contact', [
      { FirstName: 'Ada', LastName: 'Lovelace', Title: 'VP Engineering', Email: 'ada@example.com' },
      { FirstName: 'Sam', LastName: 'Client', Title: 'CTO', Email: 'sam.client@example.com', OwnerId: samId },
    ])) as [string, string];
    [ids.campaign] = (await h.createRecords('Campaign', [{ Name: 'Job changers', IsActive: true }])) as [string];
    [ids.action] = (await h.createRecords('Audience_Action__c', [
      {
        Name: 'Job changers campaign',
        Audience__c: h.ids.audiences[0],
        Type__c: 'Campaign',
        Target__c: ids.campaign,
        On_Exit__c: 'Nothing',
        Active__c: true,
      },
    ])) as [string];
    const rule = (name: string, slug: string, extra: Record<string, unknown>) => ({
      Name: name,
      Type__c: 'Webhook',
      Object__c: 'Contact',
      Settings__c: JSON.stringify({ slug }),
      Active__c: true,
      ...extra,
    });
    [ids.ruleBoth, ids.ruleBadChannel, ids.ruleOwnerOnly, ids.ruleChannel] = (await h.createRecords(
      'Audience_Signal_Rule__c',
      [
        rule('Owner and channel', 'both', {
          Notify_Owner__c: true,
          Slack_Channel__c: SLACK_FAKE_CHANNELS.member,
          Enrol_Action__c: ids.action,
        }),
        rule('Missing channel', 'gone', { Notify_Owner__c: false, Slack_Channel__c: 'C0NOWHERE01' }),
        rule('Owner only', 'owner', { Notify_Owner__c: true }),
        rule('Channel only', 'channel', { Notify_Owner__c: false, Slack_Channel__c: SLACK_FAKE_CHANNELS.member }),
      ],
    )) as [string, string, string, string];

    await h.startRuntime({}, (loop) => {
      step = attachSlackStep(loop, new CollectionsClient(new OrgClient(h.conn)), {
        botToken: SLACK_FAKE_TOKEN,
        signingSecret: SIGNING_SECRET,
        apiUrl: `${slack.baseUrl}/`,
      });
    });
    const app = createApp({ logger: h.logger, readinessChecks: [], slackEvents: slackEventsRoute(() => state) });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    clicks = slack.interactivity(eventsUrl, SIGNING_SECRET);
    eventsConnection = duplicateRedis(h.redis);
    events = new QueueEvents('signals', { connection: eventsConnection, prefix: h.prefix });
    await events.waitUntilReady();
  }, 180_000);

  afterAll(async () => {
    await events?.close();
    eventsConnection?.disconnect();
    server?.closeAllConnections();
    server?.close();
    await h?.stop();
    await slack?.stop();
  });

  /** An Audience_Signal__c as the firer creates it. */
  async function createSignal(ruleId: string, recordId: string, summary: string): Promise<string> {
    signalCount += 1;
    const [id] = await h.createRecords('Audience_Signal__c', [
      {
        Key__c: `${ruleId}:${recordId}:event-${signalCount}`,
        Audience_Signal_Rule__c: ruleId,
        Type__c: 'Webhook',
        Record_Id__c: recordId,
        Contact__c: recordId,
        Summary__c: summary,
        Evidence__c: JSON.stringify({ source: 'intent-feed', topic: 'pricing' }),
        Confidence__c: 80,
        Status__c: 'New',
        Fired_At__c: new Date().toISOString(),
      },
    ]);
    return id!;
  }

  /** Queues a notify job (a new job id each time: a retry or redelivery) and waits until it finished. */
  async function notify(signalId: string, ruleId: string, recordId: string): Promise<unknown> {
    const job = await h.loop.queues
      .queue('signals')
      .add('notify', { signalId, ruleId, object: 'Contact', recordId }, { jobId: `notify-${signalId}-${Date.now()}` });
    return job.waitUntilFinished(events, 60_000);
  }

  const signalRow = async (id: string) =>
    (
      await h.query<Row & { Status__c: string; Notification_Message__c: string | null }>(
        `SELECT Id, Status__c, Notification_Message__c FROM Audience_Signal__c WHERE Id = '${id}'`,
      )
    )[0]!;
  const messagesFor = (signalId: string): PostedMessage[] =>
    slack.messages().filter((m) => JSON.stringify(m.blocks ?? []).includes(signalId));

  it('answers 503 on /slack/events until the loop is ready', async () => {
    const early = await clicks.command('/audience', 'ada@example.com', CLICKER);
    expect(early.status).toBe(503);
    state = { state: 'ready', router: step!.router! };
  });

  it('DMs the owner (found by email) and posts to the channel once, even when the job runs again', async () => {
    const signalId = await createSignal(ids.ruleBoth, ada, 'Ada read the pricing page 4 times');
    await notify(signalId, ids.ruleBoth, ada);
    const posted = messagesFor(signalId);
    expect(posted.map((m) => m.channel).sort()).toEqual(
      [SLACK_FAKE_CHANNELS.member, slack.dmChannel(ADMIN_SLACK_ID)].sort(),
    );
    expect(posted[0]!.text).toContain('Ada Lovelace');
    const buttons = JSON.stringify(posted[0]!.blocks);
    for (const part of [
      'Open in Salesforce',
      'Enrol',
      'Dismiss',
      '80%',
      'intent-feed',
      `/lightning/r/Contact/${ada}/view`,
    ]) {
      expect(buttons).toContain(part);
    }
    expect(slack.requests().filter((r) => r.method === 'users.lookupByEmail')).toHaveLength(1);
    const row = await signalRow(signalId);
    expect(row.Status__c).toBe('Notified');
    expect(row.Notification_Message__c).toContain('sent: DM to');

    // The job again (a retry, a redelivery): nothing new is posted.
    const before = slack.calls();
    await notify(signalId, ids.ruleBoth, ada);
    expect(slack.calls()).toBe(before);
    expect(messagesFor(signalId)).toHaveLength(2);
  });

  it('a firing through the loop’s firer reaches the channel once, and a re-fire of the same event posts nothing', async () => {
    const rule = h.loop.config.current.signalRules.find((r) => r.id === ids.ruleChannel)!;
    const firing = {
      rule,
      object: 'Contact' as const,
      recordId: ada,
      identity: 'intent-event-42',
      summary: 'Ada compared plans',
      evidence: { source: 'intent-feed', pages: 3 },
      confidence: 0.9,
      occurredAt: new Date().toISOString(),
    };
    const fired = await h.loop.signals.sink.fire(firing);
    if (fired.status !== 'fired') throw new Error(`not fired: ${JSON.stringify(fired)}`);
    await waitFor(
      async () => (await signalRow(fired.signalId)).Status__c === 'Notified',
      60_000,
      'the fired signal to be Notified',
    );
    const posted = messagesFor(fired.signalId);
    expect(posted.map((m) => m.channel)).toEqual([SLACK_FAKE_CHANNELS.member]);
    expect(JSON.stringify(posted[0]!.blocks)).toContain('90%');

    expect((await h.loop.signals.sink.fire(firing)).status).toBe('duplicate');
    const signals = h.loop.queues.queue('signals');
    await waitFor(
      async () => (await signals.getJobCountByTypes('waiting', 'active', 'delayed')) === 0,
      60_000,
      'signals idle',
    );
    expect(messagesFor(fired.signalId)).toHaveLength(1);
  });

  it('refuses forged and stale signatures with 401 and changes nothing; Dismiss updates the record and the message', async () => {
    const signalId = await createSignal(ids.ruleBoth, ada, 'Ada asked for a demo');
    await notify(signalId, ids.ruleBoth, ada);
    const card = messagesFor(signalId).find((m) => m.channel === SLACK_FAKE_CHANNELS.member)!;

    const forged = await clicks.click(card, 'signal_dismiss', CLICKER, { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    const stale = await clicks.click(card, 'signal_dismiss', CLICKER, {
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.status).toBe(401);
    expect((await signalRow(signalId)).Status__c).toBe('Notified');
    expect(card.updates).toHaveLength(0);

    const dismissed = await clicks.click(card, 'signal_dismiss', CLICKER);
    expect(dismissed.status).toBe(200);
    const row = await signalRow(signalId);
    expect(row.Status__c).toBe('Dismissed');
    expect(row.Notification_Message__c).toContain(`dismissed by <@${CLICKER.id}>`);
    expect(card.updates).toHaveLength(1);
    expect(card.updates[0]!.text).toMatch(
      new RegExp(`Dismissed by <@${CLICKER.id}> at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`),
    );
    expect(JSON.stringify(card.updates[0]!.blocks)).not.toContain('signal_dismiss');
  });

  it('Enrol clicked twice applies the action once, logged with the signal', async () => {
    const signalId = await createSignal(ids.ruleBoth, ada, 'Ada moved to Analytical Engines');
    await notify(signalId, ids.ruleBoth, ada);
    const card = messagesFor(signalId).find((m) => m.channel === SLACK_FAKE_CHANNELS.member)!;
    const [first, second] = await Promise.all([
      clicks.click(card, 'signal_enrol', CLICKER),
      clicks.click(card, 'signal_enrol', CLICKER),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const key = `${ids.action}-signal-${signalId}-apply`;
    const logs = await waitFor(
      async () => {
        const rows = await h.query<Row & { Key__c: string; Status__c: string; Audience_Signal__c: string }>(
          `SELECT Id, Key__c, Status__c, Audience_Signal__c FROM Audience_Action_Log__c WHERE Audience_Signal__c = '${signalId}'`,
        );
        return rows.some((r) => r.Status__c === 'Succeeded') ? rows : undefined;
      },
      60_000,
      'the Enrol application to succeed',
    );
    expect(logs.map((l) => l.Key__c)).toEqual([key]);
    const members = await h.query(
      `SELECT Id FROM CampaignMember WHERE CampaignId = '${ids.campaign}' AND ContactId = '${ada}'`,
    );
    expect(members).toHaveLength(1);
    await waitFor(
      async () => (await signalRow(signalId)).Status__c === 'Actioned',
      30_000,
      'the signal to be Actioned',
    );

    expect(card.updates.at(-1)?.text).toContain(`Enrol requested by <@${CLICKER.id}>`);
    // A third click later: the job id and the application's key both say done.
    await clicks.click(card, 'signal_enrol', CLICKER);
    const again = await h.query(`SELECT Id FROM Audience_Action_Log__c WHERE Audience_Signal__c = '${signalId}'`);
    expect(again).toHaveLength(1);
  });

  it('records Slack errors and a missing recipient on the signal, without retrying them', async () => {
    const gone = await createSignal(ids.ruleBadChannel, ada, 'posted to a channel that does not exist');
    const callsBefore = slack.calls();
    await notify(gone, ids.ruleBadChannel, ada);
    expect(slack.calls()).toBe(callsBefore + 1);
    const goneRow = await signalRow(gone);
    expect(goneRow.Status__c).toBe('New');
    expect(goneRow.Notification_Message__c).toContain('channel_not_found');

    // Sam's owner has no Slack user and the rule has no channel.
    const nobody = await createSignal(ids.ruleOwnerOnly, sam, 'nobody to tell');
    await notify(nobody, ids.ruleOwnerOnly, sam);
    const nobodyRow = await signalRow(nobody);
    expect(nobodyRow.Status__c).toBe('New');
    expect(nobodyRow.Notification_Message__c).toMatch(/^no recipient; owner .* has no Slack user/);
  });

  it('honours 429 Retry-After: the job comes back later, the recipient already posted is not posted again; invalid_auth ends on the signal', async () => {
    const signalId = await createSignal(ids.ruleBoth, ada, 'rate limited first');
    // The owner's DM (first recipient) is rate limited; the channel post goes through in the same run.
    slack.control.rateLimitNext(1, 'chat.postMessage');
    const job = await h.loop.queues
      .queue('signals')
      .add(
        'notify',
        { signalId, ruleId: ids.ruleBoth, object: 'Contact', recordId: ada },
        { jobId: `notify-429-${signalId}` },
      );
    await job.waitUntilFinished(events, 60_000);
    const posts = slack
      .requests()
      .filter((r) => r.method === 'chat.postMessage' && JSON.stringify(r.args).includes(signalId));
    expect(posts.map((r) => [r.args.channel, r.answer])).toEqual([
      [ADMIN_SLACK_ID, 'ratelimited'],
      [SLACK_FAKE_CHANNELS.member, 'ok'],
      // The job again after Retry-After: only the DM; the channel's claim says it was posted.
      [ADMIN_SLACK_ID, 'ok'],
    ]);
    expect(posts[2]!.at - posts[0]!.at).toBeGreaterThanOrEqual(900);
    expect(messagesFor(signalId)).toHaveLength(2);
    expect((await h.loop.queues.queue('signals').getJob(job.id!))?.data).toMatchObject({ deferrals: 1 });
    expect((await signalRow(signalId)).Status__c).toBe('Notified');

    const refused = await createSignal(ids.ruleBoth, ada, 'token revoked');
    slack.control.failNext('invalid_auth', 'chat.postMessage');
    await notify(refused, ids.ruleBoth, ada);
    const row = await signalRow(refused);
    // The DM went (one of the two recipients): the signal is Notified and says what failed.
    expect(row.Status__c).toBe('Notified');
    expect(row.Notification_Message__c).toContain('invalid_auth');
    expect(row.Notification_Message__c).toContain('SLACK_BOT_TOKEN');
  });

  it('paces posts to one channel at about one a second, across jobs running at once', async () => {
    const signalIds = [
      await createSignal(ids.ruleChannel, ada, 'burst 1'),
      await createSignal(ids.ruleChannel, ada, 'burst 2'),
      await createSignal(ids.ruleChannel, ada, 'burst 3'),
    ];
    await Promise.all(signalIds.map((id) => notify(id, ids.ruleChannel, ada)));
    const posts = slack
      .requests()
      .filter((r) => r.method === 'chat.postMessage' && signalIds.some((id) => JSON.stringify(r.args).includes(id)));
    expect(posts).toHaveLength(3);
    const times = posts.map((p) => p.at).sort((a, b) => a - b);
    // The limiter's bucket refills one token a second: consecutive posts are never closer than that (less jitter).
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(900);
    for (const id of signalIds) expect((await signalRow(id)).Status__c).toBe('Notified');
  });

  it('/audience answers with the record, its audiences, latest signals and a link', async () => {
    const reply = await clicks.command('/audience', 'ada@example.com', CLICKER);
    expect(reply.status).toBe(200);
    const body = reply.json() as { text: string; response_type: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('Ada Lovelace');
    expect(body.text).toContain(`/lightning/r/Contact/${ada}/view`);
    expect(body.text).toContain('*Audiences:* VPs');
    // The three newest signals (the pacing test's burst was created last).
    expect(body.text.match(/^• burst \d — Notified, \d{4}-\d\d-\d\d$/gm)).toHaveLength(3);
    const usage = (await clicks.command('/audience', 'not an id', CLICKER)).json() as { text: string };
    expect(usage.text).toContain('Usage');
  });
});
