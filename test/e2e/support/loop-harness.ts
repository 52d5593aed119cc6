/**
 * The whole loop over the Salesforce emulator and a real Redis: an org seeded with records the test names, a
 * configuration created as the admin would create it, the integration user logged in with client credentials, and a
 * `LoopRuntime` under a unique hash-tagged Redis prefix. Everything a scenario asserts is read back from the org (as
 * the admin) or from the emulator's counters; nothing is taken from the code under test.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Connection } from 'jsforce';
import type { ForceAppModel } from '@audience-loop/force-app-model';
import { createLogger, type Logger } from '../../../server/src/lib/logger';
import { composeLoop, type Loop, type LoopSettings } from '../../../server/src/runtime/compose';
import { LoopRuntime } from '../../../server/src/runtime/loop-runtime';
import type { RedisClient } from '../../../server/src/state/redis';
import { deleteByPrefix } from '../../../server/src/state/scan-keys';
import { connectSalesforce } from '../../../server/src/salesforce/auth/connection-factory';
import { OrgClient } from '../../../server/src/salesforce/org-client';
import { CDC_CHANNEL } from '../../../server/src/salesforce/stream/cdc-subscriber';
import { COMMAND_CHANNEL, RECORD_REQUEST_CHANNEL } from '../../../server/src/salesforce/stream/command-subscriber';
import { startSalesforceEmulator, type RunningEmulator } from '../../emulators/salesforce/index';
import { engineFor } from '../../emulators/salesforce/streaming/streaming-engine';

export const API_VERSION = '62.0';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface SourceSpec {
  Name?: string;
  Object__c: 'Contact' | 'Lead' | 'Account';
  Inclusion_Filter__c?: string | null;
  Active__c?: boolean;
  Type__c?: string;
}

export interface FieldMapSpec {
  Object__c: 'Contact' | 'Lead' | 'Account';
  Field__c: string;
  Attribute__c?: string | null;
  Write_Rule__c: 'Always' | 'Never' | 'Fill_Blank' | 'Tracked';
  Import__c?: boolean;
  Active__c?: boolean;
  Mode__c?: 'Live' | 'Preview';
}

export interface AudienceSpec {
  Name: string;
  Object__c: 'Contact' | 'Lead' | 'Account';
  Filter__c: string;
  Active__c?: boolean;
}

export interface LoopSpec {
  sources: SourceSpec[];
  fieldMaps: FieldMapSpec[];
  audiences?: AudienceSpec[];
  /** Records created (as the admin) before the loop starts, per object. */
  records?: Partial<Record<'Account' | 'Contact' | 'Lead', Record<string, unknown>[]>>;
  streaming?: { longPollMs?: number; clientIdleMs?: number; retentionMs?: number };
  dailyApiLimit?: number;
  budget?: { pauseAt: number; stopAt: number };
  debounceMs?: number;
  /** Start the runtime (and wait for the initial import and a live stream); default true. */
  start?: boolean;
  /** The loop's logger (default: silent, or E2E_LOG_LEVEL), for scenarios that assert what is logged. */
  logger?: Logger;
  /**
   * The loop's Redis connection (default: a single Redis at REDIS_URL), e.g. a Redis Cluster client made by
   * `createRedis` of the server's connection factory. The harness disconnects it at `stop()`.
   */
  redis?: () => RedisClient;
  /** The emulator's seed (default 'none': only the records the test names). */
  seed?: 'demo' | 'none';
  /** The org's metadata (default: this repository's force-app), e.g. with a change channel member left out. */
  forceApp?: ForceAppModel;
  /**
   * How the loop follows change events: CometD, or the Pub/Sub API on the emulator's gRPC endpoint (default: the
   * `CDC_TRANSPORT` environment variable, else CometD — so any scenario can be run over either).
   */
  cdcTransport?: 'cometd' | 'pubsub';
}

export interface Counters {
  total: number;
  byRoute: Record<string, number>;
  byUser: Record<string, number>;
  apiUsed: number;
  dailyApiLimit: number;
}

type Row = Record<string, unknown> & { Id: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it returns a truthy value; the error names what was awaited and the last value seen. */
export async function waitFor<T>(
  condition: () => Promise<T> | T,
  timeoutMs = 30_000,
  label = 'condition',
  intervalMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await condition();
      if (last) return last as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${label} (last: ${seen?.slice(0, 500)})`);
    }
    await sleep(intervalMs);
  }
}

/** Deletes every key under the prefix with SCAN + DEL (the database is shared: never FLUSHDB). */
export function clearPrefix(redis: RedisClient, prefix: string): Promise<number> {
  return deleteByPrefix(redis, prefix);
}

export class LoopHarness {
  runtime: LoopRuntime | undefined;
  readonly ids: { sources: string[]; fieldMaps: string[]; audiences: string[] } = {
    sources: [],
    fieldMaps: [],
    audiences: [],
  };
  /** Ids of the records created before the start, per object, in the order given. */
  readonly records: Record<string, string[]> = {};
  private integration: Connection | undefined;

  private constructor(
    readonly emulator: RunningEmulator,
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly admin: Connection,
    readonly logger: Logger,
    private readonly spec: LoopSpec,
  ) {}

  static async create(spec: LoopSpec): Promise<LoopHarness> {
    const emulator = await startSalesforceEmulator({
      seed: spec.seed ?? 'none',
      forceApp: spec.forceApp,
      dailyApiLimit: spec.dailyApiLimit,
      streaming: { longPollMs: 1000, clientIdleMs: 5000, ...spec.streaming },
      // A quiet Pub/Sub stream answers within a second: a first start's catch-up waits for that answer.
      pubSub: { keepAliveMs: 1_000 },
    });
    const redis = spec.redis?.() ?? new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = `{t-e2e-${randomUUID().slice(0, 8)}}`;
    const admin = new Connection({
      instanceUrl: emulator.instanceUrl,
      accessToken: emulator.users.find((u) => u.role === 'admin')!.accessToken,
      version: API_VERSION,
    });
    const logger = spec.logger ?? createLogger({ level: process.env.E2E_LOG_LEVEL ?? 'silent', name: 'e2e' });
    const harness = new LoopHarness(emulator, redis, prefix, admin, logger, spec);
    try {
      await harness.createConfig();
      for (const object of ['Account', 'Contact', 'Lead'] as const) {
        const rows = spec.records?.[object];
        if (rows?.length) harness.records[object] = await harness.createRecords(object, rows);
      }
      if (spec.start !== false) await harness.startRuntime();
    } catch (error) {
      await harness.stop();
      throw error;
    }
    return harness;
  }

  get userIds(): { admin: string; integration: string; rep: string } {
    const id = (role: string) => this.emulator.users.find((u) => u.role === role)!.id;
    return { admin: id('admin'), integration: id('integration'), rep: id('rep') };
  }

  private repToken: string | undefined;

  /** jsforce as a rep (a person editing records in the UI). */
  repConn(): Connection {
    return new Connection({
      instanceUrl: this.emulator.instanceUrl,
      accessToken: this.repToken ?? this.emulator.users.find((u) => u.role === 'rep')!.accessToken,
      version: API_VERSION,
    });
  }

  /**
   * Expires every session of the org (the integration user's too: the loop must renew its own), then logs the
   * test's people (admin, rep) in again.
   */
  async expireSessions(): Promise<number> {
    const out = await this.faults({ expireSessions: true });
    const issue = (role: string) => this.control<{ accessToken: string }>('POST', '/tokens', { role });
    this.admin.accessToken = (await issue('admin')).accessToken;
    this.repToken = (await issue('rep')).accessToken;
    return (out as { expiredSessions: number }).expiredSessions;
  }

  get conn(): Connection {
    if (!this.integration) throw new Error('the runtime was never started');
    return this.integration;
  }

  /**
   * Builds a fresh loop through the composition root (same prefix: the state in Redis survives, as across a
   * process restart) and starts it; `beforeStart` may wrap parts of the composed graph to observe them.
   */
  async startRuntime(settings: Partial<LoopSettings> = {}, beforeStart?: (loop: Loop) => void): Promise<Loop> {
    this.integration = await connectSalesforce({
      mode: 'client_credentials',
      apiVersion: API_VERSION,
      loginUrl: this.emulator.loginUrl,
      clientId: this.emulator.clientId,
      clientSecret: this.emulator.clientSecret,
    });
    const loop = composeLoop(
      { org: new OrgClient(this.integration), redis: this.redis, logger: this.logger },
      {
        prefix: this.prefix,
        bulkThreshold: 50_000,
        defaultRegion: 'US',
        budget: this.spec.budget ?? { pauseAt: 0.7, stopAt: 0.9 },
        debounceMs: this.spec.debounceMs ?? 50,
        configPollMs: 60 * 60_000,
        cdcTransport: this.cdcTransport(),
        ...settings,
      },
    );
    const runtime = new LoopRuntime(loop);
    this.runtime = runtime;
    beforeStart?.(loop);
    const streamsBefore = new Set(this.emulator.pubSub?.subscriptions().map((s) => s.rpcId));
    await runtime.start();
    await waitFor(() => loop.streamState()?.state === 'live', 60_000, 'the CDC stream to be live');
    if (loop.settings.cdcTransport?.kind === 'pubsub') {
      // A first start reconciles what changed before the stream answered: done before the scenario measures.
      await runtime.caughtUp();
      // Pub/Sub acknowledges no subscription: the command streams are live once the server holds them.
      const opened = () =>
        new Set(
          this.emulator.pubSub
            ?.subscriptions()
            .filter((s) => !streamsBefore.has(s.rpcId))
            .map((s) => s.topic),
        );
      await waitFor(
        () => opened().has(COMMAND_CHANNEL) && opened().has(RECORD_REQUEST_CHANNEL),
        60_000,
        'the command channels over Pub/Sub',
      );
    }
    await loop.drain(120_000);
    return loop;
  }

  private cdcTransport(): LoopSettings['cdcTransport'] {
    const transport = this.spec.cdcTransport ?? (process.env.CDC_TRANSPORT === 'pubsub' ? 'pubsub' : 'cometd');
    if (transport === 'cometd') return { kind: 'cometd' };
    // The emulator's certificate is made at start (self-signed).
    return { kind: 'pubsub', endpoint: this.emulator.pubSubEndpoint, rejectUnauthorized: false };
  }

  /**
   * Waits until the loop is quiet: every change event the org has published on the loop's channel is handled and
   * its replay id stored, nothing waits in the intake queue, the writer has sent everything, no enrichment job waits
   * or runs, and the writes all that made (their echoes) published no newer event. A positive signal, not a pause: a busy machine only makes it
   * take longer.
   */
  async settle(): Promise<void> {
    const loop = this.loop;
    await waitFor(
      async () => {
        const latest = this.latestChangeEventId();
        if (latest === undefined || loop.streamState()?.replayId !== latest) return false;
        // Every event up to `latest` was handed to the intake before its id was stored: draining finishes its work.
        await loop.drain();
        // Work the intake handed on (on-entry enrichment, enrichment runs) is done too.
        const enrich = await loop.queues.queue('enrich').getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        const runs = await loop.queues.queue('runs').getJobCounts('waiting', 'active', 'prioritized');
        if (Object.values(enrich).some((n) => n > 0) || Object.values(runs).some((n) => n > 0)) return false;
        return this.latestChangeEventId() === latest && loop.streamState()?.replayId === latest;
      },
      60_000,
      'every change event handled and stored, and the intake drained',
    );
  }

  /** The replay id of the newest change event the emulated org published on the loop's channel (still retained). */
  latestChangeEventId(): number | undefined {
    return engineFor(this.emulator.context).bus.eventsAfter(CDC_CHANNEL, -2).at(-1)?.replayId;
  }

  async stopRuntime(): Promise<void> {
    const runtime = this.runtime;
    this.runtime = undefined;
    await runtime?.stop();
  }

  get loop(): Loop {
    if (!this.runtime) throw new Error('the runtime is not running');
    return this.runtime.loop;
  }

  async control<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.emulator.instanceUrl}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as T;
    if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  counters(): Promise<Counters> {
    return this.control<Counters>('GET', '/counters');
  }

  resetCounters(): Promise<Counters> {
    return this.control<Counters>('POST', '/counters/reset');
  }

  faults(body: Record<string, unknown>): Promise<unknown> {
    return this.control('POST', '/faults', body);
  }

  clearFaults(): Promise<unknown> {
    return this.control('DELETE', '/faults');
  }

  /** Reads records as the admin (what a person in the org would see). */
  async query<T extends Row = Row>(soql: string): Promise<T[]> {
    const result = await this.admin.query<T>(soql, { autoFetch: true, maxFetch: 100_000 });
    return result.records;
  }

  async byId<T extends Row = Row>(object: string, fields: string[], ids: string[]): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    for (let i = 0; i < ids.length; i += 200) {
      const chunk = ids.slice(i, i + 200).map((id) => `'${id}'`);
      const rows = await this.query<T>(
        `SELECT Id, ${fields.join(', ')} FROM ${object} WHERE Id IN (${chunk.join(',')})`,
      );
      for (const row of rows) out.set(row.Id, row);
    }
    return out;
  }

  /** The active members of an audience, as `Audience_Member__c` rows say (what reports read). */
  async activeMembers(audienceId: string): Promise<Set<string>> {
    const rows = await this.query<Row & { Record_Id__c: string }>(
      `SELECT Id, Record_Id__c FROM Audience_Member__c WHERE Audience__c = '${audienceId}' AND Is_Active__c = true`,
    );
    return new Set(rows.map((r) => r.Record_Id__c));
  }

  async createRecords(object: string, rows: Record<string, unknown>[], as: Connection = this.admin): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < rows.length; i += 200) {
      const results = await as.sobject(object).create(rows.slice(i, i + 200), { allOrNone: true });
      for (const result of results) {
        if (!result.success) throw new Error(`could not create ${object}: ${JSON.stringify(result)}`);
        ids.push(result.id);
      }
    }
    return ids;
  }

  async updateRecords(object: string, rows: Row[], as: Connection = this.admin): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) {
      const results = await as.sobject(object).update(rows.slice(i, i + 200), { allOrNone: true });
      const failed = results.filter((r) => !r.success);
      if (failed.length > 0) throw new Error(`could not update ${object}: ${JSON.stringify(failed)}`);
    }
  }

  /** Stops the runtime and the emulator and removes this test's keys. */
  async stop(): Promise<void> {
    try {
      await this.stopRuntime();
    } finally {
      try {
        await this.emulator.stop();
      } finally {
        await clearPrefix(this.redis, this.prefix);
        this.redis.disconnect();
      }
    }
  }

  private async createConfig(): Promise<void> {
    const create = async (object: string, rows: Record<string, unknown>[]) => {
      if (rows.length === 0) return [];
      const results = await this.admin.sobject(object).create(rows);
      for (const result of results) {
        if (!result.success) throw new Error(`could not create ${object}: ${JSON.stringify(result)}`);
      }
      return results.map((r) => (r as { id: string }).id);
    };
    this.ids.sources = await create(
      'Audience_Source__c',
      this.spec.sources.map((s, i) => ({ Name: `Source ${i + 1}`, Type__c: 'Salesforce', Active__c: true, ...s })),
    );
    this.ids.fieldMaps = await create(
      'Audience_Field_Map__c',
      this.spec.fieldMaps.map((m, i) => ({ Name: `Map ${i + 1}`, Active__c: true, Import__c: false, ...m })),
    );
    this.ids.audiences = await create(
      'Audience__c',
      (this.spec.audiences ?? []).map((a) => ({ Active__c: true, ...a })),
    );
  }
}
