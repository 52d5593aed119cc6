import { z } from 'zod';
import { AppError } from '../lib/errors';
import type { OrgClient } from '../salesforce/org-client';
import {
  activeMembershipsQuery,
  latestSignalsQuery,
  peopleByEmailQuery,
  signalByIdQuery,
  signalSubjectQuery,
  userEmailsQuery,
} from '../salesforce/selectors/signal-selectors';
import type { CollectionsClient } from '../salesforce/writers/collections-client';

export type SignalObject = 'Contact' | 'Lead' | 'Account';
export type SignalStatus = 'New' | 'Notified' | 'Dismissed' | 'Actioned';

const signalRowSchema = z.looseObject({
  Id: z.string(),
  Key__c: z.string().nullish(),
  Type__c: z.string().nullish(),
  Summary__c: z.string().nullish(),
  Evidence__c: z.string().nullish(),
  Confidence__c: z.number().nullish(),
  Status__c: z.enum(['New', 'Notified', 'Dismissed', 'Actioned']).nullish(),
  Record_Id__c: z.string().nullish(),
  Fired_At__c: z.string().nullish(),
  Audience_Signal_Rule__c: z.string().nullish(),
  Notification_Message__c: z.string().nullish(),
  CreatedDate: z.string().nullish(),
});

/** An `Audience_Signal__c` as Slack needs it. */
export interface StoredSignal {
  id: string;
  type?: string;
  summary: string;
  /** `Evidence__c` parsed (empty when it is not a JSON object). */
  evidence: Record<string, unknown>;
  /** 0..100 (the Percent field). */
  confidence?: number;
  status: SignalStatus;
  recordId?: string;
  ruleId?: string;
  firedAt?: string;
  notificationMessage?: string;
}

const subjectRowSchema = z.looseObject({
  Id: z.string(),
  Name: z.string().nullish(),
  Email: z.string().nullish(),
  OwnerId: z.string().nullish(),
});

/** The record a signal is about. */
export interface SignalSubject {
  object: SignalObject;
  id: string;
  name: string;
  email?: string;
  ownerId?: string;
}

const userRowSchema = z.looseObject({ Id: z.string(), Name: z.string().nullish(), Email: z.string().nullish() });

/** Notification_Message__c is Text(255). */
const MESSAGE_MAX = 255;
const short = (text: string) => (text.length <= MESSAGE_MAX ? text : `${text.slice(0, MESSAGE_MAX - 3)}...`);

/**
 * What Slack reads from and writes to the org about signals: the signal, its record and owner, and the signal's
 * `Status__c` / `Notification_Message__c`. Reads go through the selectors (no SOQL pasted from values), writes
 * through the one Collections client.
 */
export class SignalRecords {
  constructor(
    private readonly org: OrgClient,
    private readonly client: CollectionsClient,
  ) {}

  async signal(signalId: string): Promise<StoredSignal | undefined> {
    const [row] = await this.org.query(signalByIdQuery(signalId));
    return row ? toSignal(row) : undefined;
  }

  async latestSignals(recordId: string, limit = 3): Promise<StoredSignal[]> {
    const rows = await this.org.query(latestSignalsQuery(recordId, limit));
    return rows.flatMap((row) => {
      const signal = toSignal(row);
      return signal ? [signal] : [];
    });
  }

  async subject(object: SignalObject, recordId: string): Promise<SignalSubject | undefined> {
    const [raw] = await this.org.query(signalSubjectQuery(object, recordId));
    const row = subjectRowSchema.safeParse(raw);
    if (!raw || !row.success) return undefined;
    return {
      object,
      id: row.data.Id,
      name: row.data.Name ?? row.data.Id,
      email: row.data.Email ?? undefined,
      ownerId: row.data.OwnerId ?? undefined,
    };
  }

  /** Contacts, then Leads, with this email. */
  async peopleByEmail(email: string): Promise<SignalSubject[]> {
    const found: SignalSubject[] = [];
    for (const object of ['Contact', 'Lead'] as const) {
      for (const raw of await this.org.query(peopleByEmailQuery(object, email))) {
        const row = subjectRowSchema.safeParse(raw);
        if (row.success) {
          found.push({
            object,
            id: row.data.Id,
            name: row.data.Name ?? row.data.Id,
            email: row.data.Email ?? undefined,
            ownerId: row.data.OwnerId ?? undefined,
          });
        }
      }
    }
    return found;
  }

  async user(userId: string): Promise<{ name: string; email?: string } | undefined> {
    const [raw] = await this.org.query(userEmailsQuery([userId]));
    const row = userRowSchema.safeParse(raw);
    if (!raw || !row.success) return undefined;
    return { name: row.data.Name ?? userId, email: row.data.Email ?? undefined };
  }

  /** The audience ids the record is an active member of. */
  async audienceIds(recordId: string): Promise<string[]> {
    const rows = await this.org.query<{ Audience__c?: string }>(activeMembershipsQuery(recordId));
    return [...new Set(rows.flatMap((row) => (typeof row.Audience__c === 'string' ? [row.Audience__c] : [])))];
  }

  /** Sets the signal's status and/or what happened to its notification. */
  async update(signalId: string, change: { status?: SignalStatus; message?: string }): Promise<void> {
    const fields: Record<string, unknown> = {};
    if (change.status) fields.Status__c = change.status;
    if (change.message !== undefined) fields.Notification_Message__c = short(change.message);
    const [outcome] = await this.client.save('update', [{ object: 'Audience_Signal__c', id: signalId, fields }]);
    if (outcome && !outcome.ok) {
      throw new AppError(
        'SIGNAL_NOT_UPDATED',
        `Audience_Signal__c ${signalId}: ${outcome.code} ${outcome.message}`,
        !outcome.final,
      );
    }
  }
}

function toSignal(raw: unknown): StoredSignal | undefined {
  const row = signalRowSchema.safeParse(raw);
  if (!row.success) return undefined;
  const data = row.data;
  return {
    id: data.Id,
    type: data.Type__c ?? undefined,
    summary: data.Summary__c ?? '',
    evidence: parseEvidence(data.Evidence__c),
    confidence: data.Confidence__c ?? undefined,
    status: data.Status__c ?? 'New',
    recordId: data.Record_Id__c ?? undefined,
    ruleId: data.Audience_Signal_Rule__c ?? undefined,
    firedAt: data.Fired_At__c ?? data.CreatedDate ?? undefined,
    notificationMessage: data.Notification_Message__c ?? undefined,
  };
}

function parseEvidence(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
