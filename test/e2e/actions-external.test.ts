/**
 * The action step with the targets the service builds from its environment (`actionTargetsFromEnv`, as `main.ts`
 * does), against the Outreach fake and a webhook receiver on loopback: a record entering an audience is put in the
 * sequence once and announced once (a signed event, one event id per application), and leaving finishes the
 * sequence state and announces the exit. What is asserted is read from the fakes and from the org.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../server/src/env/env';
import { actionTargetsFromEnv } from '../../server/src/runtime/action-targets';
import {
  OUTREACH_FAKE_CLIENT,
  OUTREACH_FAKE_INITIAL_REFRESH_TOKEN,
  OUTREACH_FAKE_MAILBOX_ID,
  OUTREACH_FAKE_SEQUENCE_ID,
  startOutreachFake,
  type OutreachFake,
} from '../emulators/outreach/index';
import { startWebhookReceiver, type WebhookReceiver } from '../emulators/webhook-receiver/index';
import { LoopHarness, waitFor } from './support/loop-harness';

type Row = Record<string, unknown> & { Id: string };
const SIGNING_SECRET = 'whsec-e2e-0123456789abcdef';

let h: LoopHarness;
let outreach: OutreachFake;
let receiver: WebhookReceiver;

async function logs(): Promise<(Row & { Key__c: string; Status__c: string; Message__c: string | null })[]> {
  return h.query('SELECT Id, Key__c, Status__c, Message__c FROM Audience_Action_Log__c');
}

async function settled(part: string, count: number) {
  return waitFor(
    async () => {
      const rows = (await logs()).filter((r) => r.Key__c.includes(part) && r.Status__c !== 'Pending');
      return rows.length >= count ? rows : undefined;
    },
    60_000,
    `${count} settled logs for ${part}`,
  );
}

const bodies = () => receiver.deliveries().map((d) => JSON.parse(d.body) as { event: string; record: Row });

beforeAll(async () => {
  outreach = await startOutreachFake();
  receiver = await startWebhookReceiver({ secrets: [SIGNING_SECRET] });
  h = await LoopHarness.create({
    start: false,
    sources: [{ Object__c: 'Contact' }],
    fieldMaps: [],
    audiences: [{ Name: 'VPs', Object__c: 'Contact', Filter__c: '{"field":"Title","op":"contains","value":"VP"}' }],
    records: {
      Contact: [
        { FirstName: 'Ada', LastName: 'Lovelace', Title: 'VP Engineering', Email: 'ada@example.com' },
        { FirstName: 'Alan', LastName: 'Turing', Title: 'Engineer', Email: 'alan@example.com' },
      ],
    },
  });
  const audienceId = h.ids.audiences[0] as string;
  await h.createRecords('Audience_Action__c', [
    {
      Name: 'Outbound sequence',
      Audience__c: audienceId,
      Active__c: true,
      Type__c: 'Outreach_Sequence',
      Target__c: String(OUTREACH_FAKE_SEQUENCE_ID),
      Settings__c: JSON.stringify({ mailboxId: OUTREACH_FAKE_MAILBOX_ID }),
      On_Exit__c: 'Remove',
    },
    {
      Name: 'Tell the data team',
      Audience__c: audienceId,
      Active__c: true,
      Type__c: 'Webhook',
      Target__c: receiver.url,
      Settings__c: JSON.stringify({ fields: ['Email', 'Title'] }),
      On_Exit__c: 'Remove',
    },
  ]);
  // The service's environment, validated as `npm start` validates it.
  const env = loadEnv({
    OUTREACH_CLIENT_ID: OUTREACH_FAKE_CLIENT.clientId,
    OUTREACH_CLIENT_SECRET: OUTREACH_FAKE_CLIENT.clientSecret,
    OUTREACH_REFRESH_TOKEN: OUTREACH_FAKE_INITIAL_REFRESH_TOKEN,
    OUTREACH_BASE_URL: outreach.baseUrl,
    OUTREACH_TOKEN_KEY: Buffer.alloc(32, 7).toString('base64'),
    WEBHOOK_SIGNING_SECRET: SIGNING_SECRET,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  });
  const targets = actionTargetsFromEnv(env, { redis: h.redis, prefix: h.prefix, logger: h.logger });
  await h.startRuntime({ actions: { targets } });
}, 90_000);

afterAll(async () => {
  await h?.stop();
  await outreach?.stop();
  await receiver?.stop();
});

describe('e2e: actions on external targets', { timeout: 90_000 }, () => {
  it('an entry is sequenced and announced once; an exit finishes the sequence and is announced', async () => {
    const [ada, alan] = h.records.Contact as [string, string];
    const adaLogs = await settled(ada, 2);
    expect(adaLogs.map((r) => r.Status__c)).toEqual(['Succeeded', 'Succeeded']);

    await h.updateRecords('Contact', [{ Id: alan, Title: 'VP Research' }], h.repConn());
    await settled(alan, 2);
    expect(outreach.sequenceStates().filter((s) => s.sequenceId === OUTREACH_FAKE_SEQUENCE_ID)).toHaveLength(2);
    expect(receiver.distinctEventIds()).toHaveLength(2);
    expect(receiver.deliveries().every((d) => d.verified)).toBe(true);
    expect(
      bodies()
        .map((b) => [b.event, b.record.Email])
        .sort(),
    ).toEqual([
      ['entered', 'ada@example.com'],
      ['entered', 'alan@example.com'],
    ]);

    // Ada leaves: her sequence state is finished, and the receiver hears of it under a new event id.
    await h.updateRecords('Contact', [{ Id: ada, Title: 'Engineer' }], h.repConn());
    await settled(`${ada}`, 4);
    expect(receiver.distinctEventIds()).toHaveLength(3);
    expect(
      bodies()
        .filter((b) => b.event === 'exited')
        .map((b) => b.record.Email),
    ).toEqual(['ada@example.com']);
    const states = outreach.sequenceStates();
    expect(states.filter((s) => s.state === 'finished')).toHaveLength(1);
    expect(states.filter((s) => s.state !== 'finished')).toHaveLength(1);
  });
});
