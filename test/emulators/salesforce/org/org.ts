/**
 * One emulated org: clock, schema, users, records, tokens, usage, faults and the event hub. It is also the
 * `EmulatorContext` handed to the streaming half.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorContext, PlatformEventPublished, PublishOptions, StreamingOptions } from '../org-contract';
import { RecordErrors } from '../errors';
import { Catalog } from '../schema/catalog';
import type { ObjectSpec } from '../schema/field-builders';
import { TokenService } from '../auth/token-service';
import { Clock, formatIsoDateTime, parseDateTime, wholeSecond } from './clock';
import { registerActivityRules } from './activity-rules';
import { registerCampaignRules } from './campaign-rules';
import { registerContentRules } from './content-rules';
import { EventHub } from './event-hub';
import { registerOpportunityRules } from './opportunity-rules';
import { loadProfiles } from './profiles';
import { loadFormerUsers } from './former-users';
import { loadQueues } from './queues';
import { Faults } from './faults';
import { FieldPermissions } from './field-permissions';
import { EventPublishPermissions } from './event-publish-permissions';
import { to18 } from './ids';
import { orgIdentity, orgUsername } from './org-identity';
import { RecordStore, type Row } from './store';
import { Usage } from './usage';
import { DEFAULT_USERS, type OrgUser } from './users';
import { DEMO_ORG_NAME, ownerUsernameFor } from '../seed/index';
import { prepareWrite } from '../rest/record-input';
import type { ForceAppModel } from '@audience-loop/force-app-model';

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
  /** Derives the org id and the usernames' suffix (org/org-identity.ts); default `demo`. */
  orgKey?: string;
}

export class Org {
  readonly orgId: string;
  /** Carried by every username, so each org's users are distinct to the Salesforce CLI. */
  readonly usernameSuffix: string;
  readonly clock: Clock;
  readonly catalog: Catalog;
  readonly hub = new EventHub();
  readonly store: RecordStore;
  readonly tokens: TokenService;
  readonly usage: Usage;
  readonly faults = new Faults();
  readonly fls = new FieldPermissions();
  readonly eventPermissions: EventPublishPermissions;
  readonly clientId: string;
  readonly clientSecret: string;
  users: OrgUser[] = [];
  /** Filled by the server once it listens. */
  instanceUrl = '';
  jwtCertificate: string | undefined;
  readonly context: EmulatorContext;

  constructor(readonly options: OrgOptions) {
    ({ orgId: this.orgId, usernameSuffix: this.usernameSuffix } = orgIdentity(options.orgKey ?? 'demo'));
    this.clock = new Clock(options.clockStart);
    this.catalog = new Catalog(options.forceApp);
    this.eventPermissions = new EventPublishPermissions(options.forceApp);
    this.store = new RecordStore(this.catalog, this.hub, () => this.clock.now());
    registerCampaignRules(this.store);
    registerActivityRules(this.store);
    registerOpportunityRules(this.store);
    registerContentRules(this.store);
    this.tokens = new TokenService(this.orgId, () => this.clock.now(), options.sessionTtlMs);
    this.usage = new Usage(options.dailyApiLimit, () => this.clock.now());
    this.jwtCertificate = options.jwtCertificate;
    this.clientId = `3MVG9${randomBytes(60).toString('base64url').replace(/[-_]/g, 'x')}`;
    this.clientSecret = randomBytes(32).toString('hex').toUpperCase();
    this.resetUsers();
    this.context = {
      orgId: this.orgId,
      clock: this.clock,
      schema: this.catalog,
      tokens: this.tokens,
      events: this.hub,
      counters: this.usage,
      publishPlatformEvent: (name, fields, userId, options) => this.publishPlatformEvent(name, fields, userId, options),
      streaming: options.streaming,
    };
  }

  /** Recreates the users (same ids every time, former users inactive), the queues and the Organization record. */
  resetUsers(): void {
    const userObj = this.catalog.getObject('User')!;
    const orgObj = this.catalog.getObject('Organization')!;
    this.users = DEFAULT_USERS.map((u, i) => ({
      ...u,
      username: orgUsername(u.username, this.usernameSuffix),
      id: to18(`005Hs${String(i + 1).padStart(10, '0')}`),
    }));
    const admin = this.users[0]!.id;
    const profiles = loadProfiles(this.store, this.catalog.getObject('Profile')!, admin);
    this.store.load(
      userObj,
      this.users.map((u) => ({
        Id: u.id,
        Username: u.username,
        FirstName: u.firstName,
        LastName: u.lastName,
        Email: u.email,
        Alias: u.username.replace(/@.*/, '').slice(0, 8),
        CommunityNickname: u.username.replace(/@.*/, ''),
        ProfileId: profiles[u.role],
        EmailEncodingKey: 'UTF-8',
        IsActive: true,
        UserType: 'Standard',
        TimeZoneSidKey: 'GMT',
        LocaleSidKey: 'en_US',
        LanguageLocaleKey: 'en_US',
        Title: u.role === 'rep' ? 'Sales Representative' : u.role === 'admin' ? 'System Administrator' : 'Integration',
      })),
      admin,
    );
    loadFormerUsers(this.store, userObj, profiles.rep, this.usernameSuffix, admin);
    loadQueues(this.store, this.catalog, admin);
    this.store.load(
      orgObj,
      [
        {
          Id: this.orgId,
          Name: DEMO_ORG_NAME,
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
    const owners = Array.from(
      { length: 10 },
      (_, i) => this.userByName(orgUsername(ownerUsernameFor(i), this.usernameSuffix))?.id ?? admin,
    );
    const account = this.catalog.getObject('Account')!;
    const contact = this.catalog.getObject('Contact')!;
    const lead = this.catalog.getObject('Lead')!;
    const accIds = this.bulkLoad(account, seed.accounts, owners, admin);
    this.bulkLoad(contact, seed.contacts, owners, admin, accIds);
    this.bulkLoad(lead, seed.leads, owners, admin);
    return { accounts: seed.accounts.length, contacts: seed.contacts.length, leads: seed.leads.length };
  }

  /** One pass per row: system fields, then the row's known fields (unknown ones dropped), then Name. */
  private bulkLoad(obj: ObjectSpec, rows: Row[], owners: string[], admin: string, accIds?: string[]): string[] {
    const table = this.store.table(obj);
    const now = wholeSecond(this.clock.now());
    const plan = new Map<string, { name: string; datetime: boolean } | null>();
    const personName = !!obj.getField('Name')?.calculated && !!obj.getField('LastName');
    const ids: string[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const id = this.store.ids.next(obj.keyPrefix);
      const row: Row = {
        Id: id,
        IsDeleted: false,
        CreatedDate: now,
        CreatedById: admin,
        LastModifiedDate: now,
        LastModifiedById: admin,
        SystemModstamp: now,
        OwnerId: owners[i % 10],
      };
      for (const k in r) {
        const v = r[k];
        if (v === null || v === undefined || v === '') continue;
        let p = plan.get(k);
        if (p === undefined) {
          const f = k === 'accountRef' ? undefined : obj.getField(k);
          p = f && !f.system ? { name: f.name, datetime: f.type === 'datetime' } : null;
          plan.set(k, p);
        }
        if (p === null) continue;
        if (p.datetime && typeof v === 'string') {
          const ms = parseDateTime(v);
          if (ms !== undefined) row[p.name] = ms;
        } else row[p.name] = v;
      }
      if (accIds) {
        const ref = (r as { accountRef?: number }).accountRef;
        if (ref !== undefined && accIds[ref]) row.AccountId = accIds[ref];
      }
      if (personName) {
        const first = row.FirstName as string | undefined;
        const last = row.LastName as string | undefined;
        row.Name = first ? (last ? `${first} ${last}` : first) : (last ?? '');
      }
      table.set(id, row);
      ids[i] = id;
    }
    return ids;
  }

  /** Whether the user may publish the event (create permission from its permission sets). */
  mayPublish(userId: string | undefined, eventName: string): boolean {
    return this.eventPermissions.mayPublish(userId ? this.userById(userId)?.role : undefined, eventName);
  }

  /**
   * Publishes as `userId`, who needs create permission on the event unless the publisher runs in system context
   * (Apex triggers). `CreatedById` is the publisher, whatever the fields say: the platform sets it.
   */
  publishPlatformEvent(
    eventName: string,
    fields: Record<string, unknown>,
    userId: string,
    options: PublishOptions = {},
  ): PlatformEventPublished {
    const obj = this.catalog.getObject(eventName);
    if (!obj || obj.kind !== 'platformEvent') throw new Error(`sObject type '${eventName}' is not a platform event`);
    if (!options.systemMode && !this.mayPublish(userId, obj.name)) throw EventPublishPermissions.refusal(obj.label);
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
    const published: PlatformEventPublished = {
      eventName: obj.name,
      payload,
      eventUuid: randomUUID(),
      publishedAt: now,
    };
    this.hub.emitPlatformEvent(published);
    return published;
  }
}
