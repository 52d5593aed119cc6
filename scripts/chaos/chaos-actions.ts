import type { Connection } from 'jsforce';
import {
  OUTREACH_FAKE_CLIENT,
  OUTREACH_FAKE_INITIAL_REFRESH_TOKEN,
  OUTREACH_FAKE_MAILBOX_ID,
  OUTREACH_FAKE_SEQUENCE_ID,
  startOutreachFake,
  type OutreachFake,
} from '../../test/emulators/outreach/index';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/emulators/webhook-receiver/index';
import { tallyEffects, type EffectTally, type Episode, type SkipKind } from './effect-tally';

const SIGNING_SECRET = 'whsec-chaos-0123456789abcdef';
const TOKEN_KEY = Buffer.alloc(32, 11).toString('base64');
export const TASK_STEPS = [
  { dayOffset: 0, subject: 'Call {FirstName}', type: 'Call' },
  { dayOffset: 2, subject: 'Follow up with {FirstName} {LastName}', type: 'Other' },
];

interface ActionIds {
  campaign: string;
  task: string;
  outreach: string;
  webhook: string;
}

/**
 * The actions of a chaos world on its one audience — a Campaign, a Task cadence, an Outreach sequence and a
 * Webhook, all removing on exit — with the Outreach fake and the webhook receiver on loopback, and the count of
 * their effects per membership episode (read from the org and the fakes, never from our own state).
 */
export class ChaosActions {
  private constructor(
    readonly outreach: OutreachFake,
    readonly receiver: WebhookReceiver,
    private readonly ids: ActionIds,
    private readonly campaignId: string,
  ) {}

  static async create(admin: Connection, assignTo: string): Promise<ChaosActions> {
    const outreach = await startOutreachFake();
    const receiver = await startWebhookReceiver({ secrets: [SIGNING_SECRET] });
    try {
      const [audience] = (await admin.query<{ Id: string }>('SELECT Id FROM Audience__c LIMIT 1')).records;
      if (!audience) throw new Error('the chaos world has no audience');
      const [campaign] = await admin.sobject('Campaign').create([{ Name: 'Chaos campaign', IsActive: true }]);
      if (!campaign?.success) throw new Error(`could not create the campaign: ${JSON.stringify(campaign)}`);
      const base = { Audience__c: audience.Id, Active__c: true, On_Exit__c: 'Remove' };
      const rows = [
        { ...base, Name: 'Chaos campaign', Type__c: 'Campaign', Target__c: campaign.id },
        {
          ...base,
          Name: 'Chaos cadence',
          Type__c: 'Task',
          Settings__c: JSON.stringify({ steps: TASK_STEPS, assignTo }),
        },
        {
          ...base,
          Name: 'Chaos sequence',
          Type__c: 'Outreach_Sequence',
          Target__c: String(OUTREACH_FAKE_SEQUENCE_ID),
          Settings__c: JSON.stringify({ mailboxId: OUTREACH_FAKE_MAILBOX_ID }),
        },
        {
          ...base,
          Name: 'Chaos webhook',
          Type__c: 'Webhook',
          Target__c: receiver.url,
          Settings__c: JSON.stringify({ fields: ['Email', 'Title'] }),
        },
      ];
      const created = await admin.sobject('Audience_Action__c').create(rows);
      const failed = created.filter((r) => !r.success);
      if (failed.length > 0) throw new Error(`could not create the actions: ${JSON.stringify(failed)}`);
      const [c, t, o, w] = created.map((r) => String(r.id));
      return new ChaosActions(outreach, receiver, { campaign: c!, task: t!, outreach: o!, webhook: w! }, campaign.id);
    } catch (error) {
      await outreach.stop();
      await receiver.stop();
      throw error;
    }
  }

  /** What the server process needs to reach the fakes (as `npm start` reads it). */
  serverEnv(): Record<string, string> {
    return {
      OUTREACH_CLIENT_ID: OUTREACH_FAKE_CLIENT.clientId,
      OUTREACH_CLIENT_SECRET: OUTREACH_FAKE_CLIENT.clientSecret,
      OUTREACH_REFRESH_TOKEN: OUTREACH_FAKE_INITIAL_REFRESH_TOKEN,
      OUTREACH_BASE_URL: this.outreach.baseUrl,
      OUTREACH_TOKEN_KEY: TOKEN_KEY,
      WEBHOOK_SIGNING_SECRET: SIGNING_SECRET,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    };
  }

  /** Resolves once no application is Pending (or throws after `timeoutMs`): every effect has had its chance. */
  async settled(admin: Connection, timeoutMs = 3 * 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = await pendingLogs(admin).catch(() => -1);
      if (pending === 0) return;
      if (Date.now() > deadline) throw new Error(`${pending} action applications still Pending after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  /** Counts the effects in the org and the fakes per episode, judging each skip against its record's history. */
  async tally(admin: Connection, history: RecordHistory): Promise<EffectTally> {
    const { emails } = history;
    const all = { autoFetch: true, maxFetch: 10_000_000 };
    const members = await admin.query<{ Key__c: string | null; Record_Id__c: string; Is_Active__c: boolean }>(
      'SELECT Key__c, Record_Id__c, Is_Active__c FROM Audience_Member__c',
      all,
    );
    const episodes: Episode[] = members.records.flatMap((r) =>
      r.Key__c ? [{ key: r.Key__c, recordId: r.Record_Id__c, active: r.Is_Active__c }] : [],
    );
    const logs = await admin.query<{ Key__c: string; Status__c: string; Message__c: string | null }>(
      'SELECT Key__c, Status__c, Message__c FROM Audience_Action_Log__c',
      all,
    );
    const campaignMembers = await admin.query<{ ContactId: string }>(
      `SELECT ContactId FROM CampaignMember WHERE CampaignId = '${this.campaignId}'`,
      all,
    );
    const tasks = await admin.query<{ Audience_Action_Key__c: string | null; Status: string }>(
      'SELECT Audience_Action_Key__c, Status FROM Task WHERE Audience_Action_Key__c != null',
      all,
    );
    return tallyEffects(episodes, {
      allowedSkips: allowedSkips(history),
      skippedApplies: new Set(logs.records.filter((r) => r.Status__c === 'Skipped').map((r) => r.Key__c)),
      logs: new Map(logs.records.map((r) => [r.Key__c, `${r.Status__c}: ${r.Message__c ?? ''}`.slice(0, 160)])),
      campaign: { actionId: this.ids.campaign, memberContactIds: campaignMembers.records.map((r) => r.ContactId) },
      task: {
        actionId: this.ids.task,
        steps: TASK_STEPS.length,
        tasks: tasks.records.map((r) => ({ key: String(r.Audience_Action_Key__c), open: r.Status !== 'Completed' })),
      },
      outreach: { actionId: this.ids.outreach, prospects: this.prospects(emails) },
      webhook: {
        actionId: this.ids.webhook,
        events: [...this.receiver.effects().values()].map((body) => {
          const b = body as { event: string; episodeKey: string };
          return { event: b.event, episodeKey: b.episodeKey };
        }),
      },
    });
  }

  /** The fake's sequence states of our sequence, grouped by prospect, with the records the prospect's email had. */
  private prospects(emails: ReadonlyMap<string, readonly string[]>) {
    const byProspect = new Map<number, { active: boolean }[]>();
    for (const s of this.outreach.sequenceStates()) {
      if (s.sequenceId !== OUTREACH_FAKE_SEQUENCE_ID) continue;
      byProspect.set(s.prospectId, [...(byProspect.get(s.prospectId) ?? []), { active: s.state !== 'finished' }]);
    }
    const emailsOf = new Map(this.outreach.prospects().map((p) => [p.id, p.emails]));
    return [...byProspect].map(([prospectId, states]) => ({
      recordIds: [
        ...new Set((emailsOf.get(prospectId) ?? []).flatMap((e) => emails.get(e.toLowerCase()) ?? [])),
      ].sort(),
      states,
    }));
  }

  async stop(): Promise<void> {
    await this.outreach.stop().catch(() => undefined);
    await this.receiver.stop().catch(() => undefined);
  }
}

/** What the contacts had over the run: every email (lower-cased) with the records that had it, and who had none. */
export interface RecordHistory {
  emails: ReadonlyMap<string, readonly string[]>;
  /** Records with no email at some time (the seed's blank ones, until a rep's edit gave them one). */
  blankEmail: ReadonlySet<string>;
  /** Records opted out of email (`HasOptedOutOfEmail`) at some time. */
  optedOut: ReadonlySet<string>;
}

/** The skips each record's history allows (see `ObservedEffects.allowedSkips`). */
function allowedSkips(history: RecordHistory): Map<string, Set<SkipKind>> {
  const allowed = new Map<string, Set<SkipKind>>();
  const allow = (id: string, kind: SkipKind) => allowed.set(id, (allowed.get(id) ?? new Set()).add(kind));
  for (const ids of history.emails.values()) if (ids.length > 1) ids.forEach((id) => allow(id, 'shared_email'));
  history.blankEmail.forEach((id) => allow(id, 'no_email'));
  history.optedOut.forEach((id) => allow(id, 'opted_out'));
  return allowed;
}

async function pendingLogs(admin: Connection): Promise<number> {
  const result = await admin.query("SELECT Id FROM Audience_Action_Log__c WHERE Status__c = 'Pending' LIMIT 1");
  return result.records.length;
}
