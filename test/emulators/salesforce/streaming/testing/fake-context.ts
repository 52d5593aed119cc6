import { randomUUID } from 'node:crypto';
import type {
  AccessTokenInfo,
  ChangeChannelDef,
  CommittedTransaction,
  EmulatorContext,
  OrgClock,
  PlatformEventPublished,
  RecordChange,
  StreamingOptions,
} from '../../org-contract';
import { buildFakeSchema } from './fake-schema';

export const FAKE_ORG_ID = '00D000000000001AAA';
export const INTEGRATION_USER = '005000000000001AAA';
export const REP_USER = '005000000000002AAA';

/** Test defaults: short polls and windows so suites stay fast; Salesforce's real values are in the contract. */
export const TEST_STREAMING_OPTIONS: StreamingOptions = {
  maxConcurrentClients: 20,
  maxSelectedEntities: 5,
  retentionMs: 72 * 60 * 60 * 1000,
  longPollMs: 1_500,
  clientIdleMs: 40_000,
};

class FakeClock implements OrgClock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** A stand-in for the core's `EmulatorContext` plus the levers a test pulls (commit, issue/revoke tokens). */
export interface FakeContext {
  ctx: EmulatorContext;
  issueToken(userId: string): string;
  revokeToken(token: string): void;
  /** Emits a committed transaction as the core would after a write. */
  commit(changes: RecordChange[], tx?: Partial<Omit<CommittedTransaction, 'changes'>>): CommittedTransaction;
}

export function createFakeContext(
  options: { streaming?: Partial<StreamingOptions>; cdcEntities?: string[]; channels?: ChangeChannelDef[] } = {},
): FakeContext {
  const clock = new FakeClock();
  const tokens = new Map<string, AccessTokenInfo>();
  const commitListeners = new Set<(tx: CommittedTransaction) => void>();
  const eventListeners = new Set<(ev: PlatformEventPublished) => void>();
  let commitNumber = 1_082_990_428_000;

  const ctx: EmulatorContext = {
    orgId: FAKE_ORG_ID,
    clock,
    schema: buildFakeSchema(options),
    tokens: { verify: (token) => tokens.get(token) },
    events: {
      onCommit(listener) {
        commitListeners.add(listener);
        return () => commitListeners.delete(listener);
      },
      onPlatformEvent(listener) {
        eventListeners.add(listener);
        return () => eventListeners.delete(listener);
      },
    },
    counters: { record: () => undefined },
    publishPlatformEvent(eventName, fields, userId) {
      const publishedAt = clock.now();
      const event: PlatformEventPublished = {
        eventName,
        // The platform stamps CreatedDate and CreatedById; a publisher cannot set them.
        payload: { ...fields, CreatedDate: new Date(publishedAt).toISOString(), CreatedById: userId },
        eventUuid: randomUUID(),
        publishedAt,
      };
      for (const listener of eventListeners) listener(event);
      return event;
    },
    streaming: { ...TEST_STREAMING_OPTIONS, ...options.streaming },
  };

  return {
    ctx,
    issueToken(userId) {
      const token = `${FAKE_ORG_ID}!${randomUUID().replaceAll('-', '')}`;
      const now = clock.now();
      tokens.set(token, { token, userId, orgId: FAKE_ORG_ID, issuedAt: now, expiresAt: now + 7_200_000 });
      return token;
    },
    revokeToken(token) {
      tokens.delete(token);
    },
    commit(changes, tx = {}) {
      commitNumber += 1;
      const committed: CommittedTransaction = {
        transactionKey: randomUUID(),
        commitTimestamp: clock.now(),
        commitNumber,
        commitUserId: INTEGRATION_USER,
        changeOrigin: 'com/salesforce/api/rest/62.0;client=audience-loop',
        ...tx,
        changes,
      };
      for (const listener of commitListeners) listener(committed);
      return committed;
    },
  };
}
