/**
 * One emulated org: clock, schema, users, records, tokens, usage, faults and the event hub. It is also the
 * `EmulatorContext` handed to the streaming half.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  EmulatorContext,
  PlatformEventPublished,
  StreamingOptions,
} from '../org-contract.ts';
import { RecordErrors } from '../errors.ts';
import { Catalog } from '../schema/catalog.ts';
import type { ObjectSpec } from '../schema/field-builders.ts';
import { TokenService } from '../auth/token-service.ts';
import { Clock, formatIsoDateTime, parseDateTime } from './clock.ts';
import { EventHub } from './event-hub.ts';
import { Faults } from './faults.ts';
import { FieldPermissions } from './field-permissions.ts';
import { to18 } from './ids.ts';
import { RecordStore, type Row } from './store.ts';
import { Usage } from './usage.ts';
import { DEFAULT_USERS, type OrgUser } from './users.ts';
import { prepareWrite } from '../rest/record-input.ts';
import type { ForceAppModel } from '../../../../scripts/lib/force-app/read-force-app.ts';

export interface SeedData {
  accounts: Row[];
  contacts: (Row & { accountRef?: number })[];
  leads: Row[];
}

export interface OrgOptions {
  forceApp?: ForceAppModel;
  dailyApiLimit: number;
  sessionTtlMs: number;
  jwtCertificate?: string;
  streaming: StreamingOptions;
  clockStart?: number;
}

export class Org {
  readonly orgId = to18('00DHs0000000001');
  readonly clock: Clock;
  readonly catalog: Catalog;
  readonly hub = new EventHub();
  readonly store: RecordStore;
  readonly tokens: TokenService;
  readonly usage: Usage;
  readonly faults = new Faults();
  readonly fls = new FieldPermissions();
  readonly clientId: string;
  readonly clientSecret: string;
  users: OrgUser[] = [];
  /** Filled by the server once it listens. */
  instanceUrl = '';
  jwtCertificate: string | undefined;
  readonly context: EmulatorContext;

  constructor(readonly options: OrgOptions) {
    this.clock = new Clock(options.clockStart);
    this.catalog = new Catalog(options.forceApp);
    this.store = new RecordStore(this.catalog, this.hub, () => this.clock.now());
    this.tokens = new TokenService(this.orgId, () => this.clock.now(), options.sessionTtlMs);
    this.usage = new Usage(options.dailyApiLimit);
    this.jwtCertificate = options.jwtCertificate;
    this.clientId = `3MVG9${randomBytes(60).toString('base64url').replace(/[-_]/g, 'x')}`;
    this.clientSecret = randomBytes(32).toString('hex').toUpperCase();
    this.resetUsers();
    const org = this;
    this.context = {
      orgId: this.orgId,
      clock: this.clock,
      schema: this.catalog,
      tokens: this.tokens,
      events: this.hub,
      counters: this.usage,
      publishPlatformEvent: (name, fields, userId) => org.publishPlatformEvent(name, fields, userId),
      streaming: options.streaming,
    };
  }

  /** Recreates the users (same ids every time) and the Organization record. */
  resetUsers(): void {
    const userObj = this.catalog.getObject('User')!;
    const orgObj = this.catalog.getObject('Organization')!;
    this.users = DEFAULT_USERS.map((u, i) => ({ ...u, id: to18(`005Hs${String(i + 1).padStart(10, '0')}`) }));
    const admin = this.users[0]!.id;
    this.store.load(
      userObj,
      this.users.map((u) => ({
        Id: u.id,
        Username: u.username,
        FirstName: u.firstName,
        LastName: u.lastName,
        Email: u.email,
        Alias: u.username.slice(0, 8).replace(/@.*/, ''),
        IsActive: true,
        UserType: 'Standard',
        TimeZoneSidKey: 'GMT',
        LocaleSidKey: 'en_US',
        LanguageLocaleKey: 'en_US',
        Title: u.role === 'rep' ? 'Sales Representative' : u.role === 'admin' ? 'System Administrator' : 'Integration',
      })),
      admin,
    );
    this.store.load(
      orgObj,
      [
        {
          Id: this.orgId,
          Name: 'Audience Loop Emulator',
          InstanceName: 'EMU1',
          IsSandbox: false,
          OrganizationType: 'Developer Edition',
        },
      ],
      admin,
    );
  }

  user(role: OrgUser['role']): OrgUser {
    return this.users.find((u) => u.role === role)!;
  }

  userById(id: string): OrgUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  userByName(username: string): OrgUser | undefined {
    return this.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  }

  /** Empties every table, then restores users and the Organization row. */
  resetData(): void {
    this.store.clear();
    this.resetUsers();
  }

  /** Loads seed rows straight into the store: no events, no validation, datetimes converted. */
  loadSeed(seed: SeedData): { accounts: number; contacts: number; leads: number } {
    const admin = this.user('admin').id;
    const reps = this.users.filter((u) => u.role === 'rep').map((u) => u.id);
    const account = this.catalog.getObject('Account')!;
    const contact = this.catalog.getObject('Contact')!;
    const lead = this.catalog.getObject('Lead')!;
    const accIds = this.store.load(account, seed.accounts.map((r, i) => this.seedRow(account, r, reps, i)), admin);
    this.store.load(
      contact,
      seed.contacts.map((r, i) => {
        const { accountRef, ...rest } = r;
        const row = this.seedRow(contact, rest, reps, i);
        if (accountRef !== undefined && accIds[accountRef]) row.AccountId = accIds[accountRef];
        return row;
      }),
      admin,
    );
    this.store.load(lead, seed.leads.map((r, i) => this.seedRow(lead, r, reps, i)), admin);
    return { accounts: seed.accounts.length, contacts: seed.contacts.length, leads: seed.leads.length };
  }

  private seedRow(obj: ObjectSpec, r: Row, reps: string[], i: number): Row {
    const row: Row = {};
    for (const [k, v] of Object.entries(r)) {
      if (v === null || v === undefined || v === '') continue;
      const f = obj.getField(k);
      if (!f) continue;
      if (f.type === 'datetime' && typeof v === 'string') {
        const ms = parseDateTime(v);
        if (ms !== undefined) row[f.name] = ms;
      } else if (f.type === 'datetime' && v instanceof Date) {
        row[f.name] = v.getTime();
      } else row[f.name] = v;
    }
    if (row.OwnerId === undefined && reps.length) row.OwnerId = reps[i % reps.length];
    return row;
  }

  publishPlatformEvent(eventName: string, fields: Record<string, unknown>, userId: string): PlatformEventPublished {
    const obj = this.catalog.getObject(eventName);
    if (!obj || obj.kind !== 'platformEvent') throw new Error(`sObject type '${eventName}' is not a platform event`);
    const prepared = prepareWrite(this, obj, fields, 'create', userId);
    if (prepared.errors.length) throw new RecordErrors(prepared.errors);
    const now = this.clock.now();
    const payload: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(prepared.values)) {
      const f = obj.getField(k);
      payload[k] = f?.type === 'datetime' && typeof v === 'number' ? formatIsoDateTime(v) : v;
    }
    payload.CreatedDate = formatIsoDateTime(now);
    payload.CreatedById = userId;
    const published: PlatformEventPublished = { eventName: obj.name, payload, eventUuid: randomUUID(), publishedAt: now };
    this.hub.emitPlatformEvent(published);
    return published;
  }
}
