/**
 * The seam between the emulator's core (schema, store, auth, REST, control) and its streaming side
 * (CometD, change events, platform events, replay). Both halves build against these types only, so each
 * can change its internals freely. The core creates one `EmulatorContext` per org and hands it to
 * `createStreamingRouter`, `createStreamingControlRouter` and `installApexStandins`.
 */
import type { Router } from 'express';

/** The org's clock. Tests advance it through the control endpoint (retention, token expiry, date literals). */
export interface OrgClock {
  /** Epoch milliseconds, real time plus every advance so far. */
  now(): number;
  advance(ms: number): void;
}

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'multipicklist'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'reference'
  | 'address'
  | 'location'
  | 'combobox'
  | 'base64';

export interface FieldDef {
  /** API name as Salesforce spells it (lookups are case-insensitive through `ObjectDef.getField`). */
  name: string;
  label: string;
  type: FieldType;
  length?: number;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  calculated: boolean;
  externalId: boolean;
  unique: boolean;
  restrictedPicklist: boolean;
  picklistValues: { value: string; label: string; active: boolean; defaultValue: boolean }[];
  referenceTo: string[];
  /** Relationship name for lookups (`Account` for `AccountId`, `Audience__r` for `Audience__c`). */
  relationshipName?: string;
  /** For a component of a compound field: the compound's name (`MailingAddress` for `MailingStreet`, `Name` for `FirstName`). */
  compoundFieldName?: string;
}

export type ObjectKind = 'standard' | 'custom' | 'platformEvent';

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  /** Three-character id prefix (`003` Contact, `00Q` Lead, `001` Account, `a0X…` custom, `e0X…` events). */
  keyPrefix: string;
  kind: ObjectKind;
  fields: FieldDef[];
  /** Case-insensitive field lookup. */
  getField(name: string): FieldDef | undefined;
}

export interface ChangeChannelDef {
  /** Channel name without the `/data/` prefix, e.g. `Audience_Loop__chn`. */
  name: string;
  /** Entity API names selected on the channel (`Contact`, `Lead`, `Account`). */
  members: string[];
}

export interface SchemaCatalog {
  /** Case-insensitive object lookup. */
  getObject(name: string): ObjectDef | undefined;
  listObjects(): ObjectDef[];
  /** Custom change channels declared in force-app (platformEventChannels + platformEventChannelMembers). */
  changeChannels(): ChangeChannelDef[];
  /** Entities selected for Change Data Capture (members of any channel plus any selected on `ChangeEvents`). */
  cdcEntities(): string[];
}

export interface AccessTokenInfo {
  token: string;
  userId: string;
  orgId: string;
  issuedAt: number;
  expiresAt: number;
}

export interface TokenVerifier {
  /** The token's session, or undefined when it is unknown, expired (org clock) or revoked → `401 INVALID_SESSION_ID`. */
  verify(token: string): AccessTokenInfo | undefined;
}

export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';

/** One record's change inside a committed transaction, in flat API field names. */
export interface RecordChange {
  changeType: ChangeType;
  entityName: string;
  recordId: string;
  /** UPDATE: the fields whose value changed, plus `LastModifiedDate`. CREATE/DELETE/UNDELETE: empty. */
  changedFields: string[];
  /**
   * New values, CometD-ready: datetimes as `YYYY-MM-DDTHH:mm:ss.SSSZ`, dates `YYYY-MM-DD`, numbers as numbers.
   * UPDATE: the changed fields (null when cleared) plus `LastModifiedDate`. CREATE/UNDELETE: every non-null field.
   * DELETE: empty.
   */
  values: Record<string, unknown>;
}

export interface CommittedTransaction {
  transactionKey: string;
  /** Epoch ms on the org clock. */
  commitTimestamp: number;
  commitNumber: number;
  commitUserId: string;
  /** `com/salesforce/api/rest/62.0;client=audience-loop`; only the API part when no client was named. */
  changeOrigin: string;
  /** In the order they were made; the streaming side numbers them (sequenceNumber) and merges alike ones. */
  changes: RecordChange[];
}

export interface PlatformEventPublished {
  eventName: string;
  /** Field values as published, plus `CreatedDate` (…Z) and `CreatedById`. */
  payload: Record<string, unknown>;
  eventUuid: string;
  publishedAt: number;
}

export interface OrgEvents {
  onCommit(listener: (tx: CommittedTransaction) => void): () => void;
  onPlatformEvent(listener: (event: PlatformEventPublished) => void): () => void;
}

export interface ApiCounters {
  /** Count one API call against the daily budget and the per-route/per-user counters. */
  record(route: string, userId: string | undefined): void;
}

export interface EmulatorContext {
  orgId: string;
  clock: OrgClock;
  schema: SchemaCatalog;
  tokens: TokenVerifier;
  events: OrgEvents;
  counters: ApiCounters;
  /**
   * Publish a platform event as the given user (validates fields against the event's schema, and the user's create
   * permission on the event unless `systemMode`). Used by the REST `POST /sobjects/<Name>__e` route, the Pub/Sub
   * publish and (in system mode) the Apex stand-ins.
   */
  publishPlatformEvent(
    eventName: string,
    fields: Record<string, unknown>,
    userId: string,
    options?: PublishOptions,
  ): PlatformEventPublished;
  /** Streaming settings from the emulator options. */
  streaming: StreamingOptions;
}

export interface PublishOptions {
  /** Apex in system context (a trigger): no create permission is needed, as on the platform. */
  systemMode?: boolean;
}

export interface StreamingOptions {
  /** Concurrent CometD clients per org (Developer Edition: 20). */
  maxConcurrentClients: number;
  /** Entities selectable for CDC without an add-on (5). */
  maxSelectedEntities: number;
  /** Event retention in ms on the org clock (72 h). */
  retentionMs: number;
  /** Server-side long-poll hold in ms (Salesforce: 110 000; tests use less). */
  longPollMs: number;
  /** A client that has not polled for this long is forgotten → `403::Unknown client` (Salesforce: ~40 s after a poll ends). */
  clientIdleMs: number;
}

/** Implemented by the streaming half. */
export type CreateStreamingRouter = (ctx: EmulatorContext) => Router;
