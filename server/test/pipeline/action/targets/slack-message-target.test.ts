import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createSlackMessageTarget,
  slackMessageSettingsSchema,
  type SlackMessageSettings,
} from '../../../../src/pipeline/action/targets/slack-message/slack-message-target';
import {
  SLACK_FAKE_CHANNELS,
  SLACK_FAKE_TOKEN,
  startSlackFake,
  type SlackFake,
} from '../../../../../test/emulators/slack/index';
import { buildApplication, ManualClock, openTargetRedis } from './target-test-kit';

let slack: SlackFake;
let redis: Redis;
let rootPrefix: string;
let cleanup: () => Promise<void>;
let prefix: string;
let testNumber = 0;
let clock = ManualClock.at('2026-11-28T12:00:00Z');

beforeAll(async () => {
  slack = await startSlackFake();
  ({ redis, prefix: rootPrefix, cleanup } = await openTargetRedis('slack'));
});

afterAll(async () => {
  await slack.stop();
  await cleanup();
});

beforeEach(() => {
  slack.control.reset();
  testNumber += 1;
  prefix = `${rootPrefix}:t${testNumber}`;
  clock = ManualClock.at('2026-11-28T12:00:00Z');
});

const settings: SlackMessageSettings = { text: '{FirstName} ({Title}) entered {audience}' };

function target(token = SLACK_FAKE_TOKEN) {
  // Each message is a second apart on the hand-moved clock, inside Slack's per-channel pace.
  const sleep = async (ms: number) => clock.advance(ms);
  return createSlackMessageTarget({
    config: { botToken: token, apiUrl: slack.baseUrl },
    redis,
    prefix,
    now: clock.now,
    sleep,
  });
}

const application = (channel: string = SLACK_FAKE_CHANNELS.member) =>
  buildApplication(settings, { type: 'Slack_Message', target: channel });

describe('Slack_Message target', () => {
  it('when a record enters, then the filled-in message is posted, record data escaped', async () => {
    const app = application();
    app.record.fields.Title = 'VP <!channel> & Sales';
    const result = await target().apply(app);
    expect(result).toMatchObject({ status: 'Succeeded', externalId: slack.messages()[0]?.ts });
    expect(slack.messages()[0]).toMatchObject({
      channel: SLACK_FAKE_CHANNELS.member,
      text: 'Olivia (VP &lt;!channel&gt; &amp; Sales) entered Hot leads',
    });
    expect(target().requiredFields(application().action, 'Contact')).toEqual(['FirstName', 'Title']);
  });

  it.each([
    ['channel_not_found', 'C0NOWHERE01', SLACK_FAKE_TOKEN],
    ['not_in_channel', SLACK_FAKE_CHANNELS.notMember, SLACK_FAKE_TOKEN],
    ['invalid_auth', SLACK_FAKE_CHANNELS.member, 'xoxb-revoked'],
  ])('when Slack answers ok:false %s, then the application fails for good', async (error, channel, token) => {
    const result = await target(token).apply(application(channel));
    expect(result).toMatchObject({ status: 'Failed', retryable: false, code: `SLACK_${error.toUpperCase()}` });
    expect((result as { message: string }).message).toContain(error);
  });

  it('when Slack answers 429 with Retry-After, then it is retried after that wait and the channel waits for every worker', async () => {
    slack.control.rateLimitNext(30);
    const first = await target().apply(application());
    expect(first).toMatchObject({ status: 'Failed', retryable: true, code: 'SLACK_RATELIMITED', retryAfterMs: 30_000 });
    const second = await target().apply(application());
    expect(second).toMatchObject({ status: 'Failed', retryable: true, code: 'SLACK_RATE_LIMITED' });
    expect(slack.calls()).toBe(1);
    clock.advance(30_000);
    expect(await target().apply(application())).toMatchObject({ status: 'Succeeded' });
  });

  it('when Slack has an internal error, then the application is retried', async () => {
    slack.control.failNext('internal_error');
    expect(await target().apply(application())).toMatchObject({ status: 'Failed', retryable: true });
  });

  it('when the record exits, then nothing is unsent (Skipped with the reason)', async () => {
    expect(await target().remove(application())).toMatchObject({
      status: 'Skipped',
      reason: 'not_undoable',
      message: 'messages are not unsent',
    });
    expect(slack.calls()).toBe(0);
  });

  it('when Settings__c has no text or Target__c is not a channel id, then config load says so', async () => {
    const parsed = slackMessageSettingsSchema.safeParse({ text: '' });
    expect(parsed.error?.issues[0]?.path).toEqual(['text']);
    expect(await target().validateTarget?.({ ...application().action, target: '#general' })).toContain('channel id');
  });
});
