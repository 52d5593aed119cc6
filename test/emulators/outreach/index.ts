/**
 * The Outreach fake on loopback: `startOutreachFake()` gives its base URL (`OUTREACH_BASE_URL`), the OAuth client it
 * accepts, and a small control API (request log, token requests, 429s, the create race, a held token endpoint).
 */
import { listenOnLoopback, type RecordedRequest } from '../providers/fake-server';
import {
  addProspect,
  createOutreachFake,
  type FakeProspect,
  type FakeSequenceState,
  type OutreachFakeState,
} from './outreach-fake';

export type { FakeProspect, FakeSequenceState } from './outreach-fake';

export const OUTREACH_FAKE_CLIENT = { clientId: 'fake-outreach-client', clientSecret: 'fake-outreach-secret' };
export const OUTREACH_FAKE_INITIAL_REFRESH_TOKEN = 'refresh-initial-0123456789';
/** Known to the fake from the start: the sequence of the recorded fixture and a mailbox. */
export const OUTREACH_FAKE_SEQUENCE_ID = 52;
export const OUTREACH_FAKE_MAILBOX_ID = 789;

export interface OutreachFake {
  baseUrl: string;
  requests(): readonly RecordedRequest[];
  /** API calls only (the token endpoint left out). */
  apiRequests(): readonly RecordedRequest[];
  tokenRequests(): readonly { refreshToken: string; ok: boolean }[];
  /** The refresh token the fake accepts now (rotated on each refresh). */
  currentRefreshToken(): string;
  sequenceStates(): readonly FakeSequenceState[];
  prospects(): readonly FakeProspect[];
  control: {
    rateLimitNext(count: number, retryAfterSeconds: number): void;
    raceNextProspectCreate(): void;
    /** Token requests wait until the returned function is called. */
    holdTokenRequests(): () => void;
    /** Every access token stops working (as after its 2 hours). */
    expireAccessTokens(): void;
    addProspect(email: string): number;
    /** A sequence state a person added in Outreach. */
    addSequenceState(prospectId: number, sequenceId: number): number;
    reset(): void;
  };
  stop(): Promise<void>;
}

function newState(): OutreachFakeState {
  return {
    ...OUTREACH_FAKE_CLIENT,
    refreshToken: OUTREACH_FAKE_INITIAL_REFRESH_TOKEN,
    rotate: true,
    accessTokens: new Set(),
    tokenRequests: [],
    prospects: [],
    sequenceStates: [],
    sequences: new Set([OUTREACH_FAKE_SEQUENCE_ID]),
    mailboxes: new Set([OUTREACH_FAKE_MAILBOX_ID]),
    requests: [],
    rateLimited: { count: 0, retryAfterSeconds: 0 },
    raceNextCreate: false,
    nextId: 1000,
    callsThisHour: 0,
  };
}

export async function startOutreachFake(): Promise<OutreachFake> {
  const state = newState();
  const server = await listenOnLoopback(createOutreachFake(state));
  return {
    baseUrl: `${server.origin}/api/v2`,
    requests: () => state.requests,
    apiRequests: () => state.requests.filter((r) => r.path.startsWith('/api/')),
    tokenRequests: () => state.tokenRequests,
    currentRefreshToken: () => state.refreshToken,
    sequenceStates: () => state.sequenceStates,
    prospects: () => state.prospects,
    control: {
      rateLimitNext(count, retryAfterSeconds) {
        state.rateLimited = { count, retryAfterSeconds };
      },
      raceNextProspectCreate() {
        state.raceNextCreate = true;
      },
      holdTokenRequests() {
        let release!: () => void;
        state.tokenGate = new Promise<void>((resolve) => {
          release = resolve;
        });
        return () => {
          state.tokenGate = undefined;
          release();
        };
      },
      expireAccessTokens() {
        state.accessTokens.clear();
      },
      addProspect: (email) => addProspect(state, email).id,
      addSequenceState(prospectId, sequenceId) {
        const id = state.nextId++;
        state.sequenceStates.push({
          id,
          prospectId,
          sequenceId,
          mailboxId: OUTREACH_FAKE_MAILBOX_ID,
          state: 'active',
          createdBy: 'person',
        });
        return id;
      },
      reset() {
        Object.assign(state, newState(), { tokenGate: undefined });
      },
    },
    stop: () => server.stop(),
  };
}
