/**
 * The Google Ads fake on its own loopback port, with the control API tests drive it by: the request log, failures
 * for the next calls, moving a job's state, the lists it knows and the people on them.
 */
import { listenOnLoopback } from '../providers/fake-server';
import {
  advanceJob,
  createGoogleAdsFake,
  GOOGLE_ADS_VERSION,
  newGoogleAdsFakeState,
  type FakeJob,
  type GoogleAdsFakeKeys,
  type GoogleFailKind,
  type GoogleRecordedRequest,
  type JobState,
} from './google-ads-fake';

export type { FakeJob, GoogleAdsFakeKeys, GoogleFailKind, GoogleRecordedRequest, JobState };

export const GOOGLE_ADS_FAKE_KEYS: Readonly<GoogleAdsFakeKeys> = {
  developerToken: 'fake-developer-token-0123456789',
  loginCustomerId: '1234567890',
  clientId: 'fake-client-id.apps.googleusercontent.com',
  clientSecret: 'fake-client-secret-0123456789',
  refreshToken: '1//fake-refresh-token-0123456789',
};

export interface GoogleAdsFake {
  /** Give as GOOGLE_ADS_BASE_URL (…/v26). */
  baseUrl: string;
  /** Give as GOOGLE_OAUTH_TOKEN_URL. */
  tokenUrl: string;
  keys: Readonly<GoogleAdsFakeKeys>;
  requests(): readonly GoogleRecordedRequest[];
  control: {
    /** The next `count` Google Ads API calls (not the token endpoint) answer with `kind`. */
    failNext(count: number, kind: GoogleFailKind): void;
    addUserList(customerId: string, userListId: string): void;
    /** One step (PENDING → RUNNING → SUCCESS) or straight to `to`. */
    advanceJob(jobName: string, to?: JobState, failureReason?: string): FakeJob;
    /** When on, each status read moves a RUNNING job to SUCCESS. */
    advanceOnPoll(on: boolean): void;
    jobs(): FakeJob[];
    members(customerId: string, userListId: string): ReadonlySet<string>;
    /** Forgets jobs, members, tokens, failures and the request log; keeps the lists. */
    reset(): void;
  };
  stop(): Promise<void>;
}

export async function startGoogleAdsFake(keys: GoogleAdsFakeKeys = GOOGLE_ADS_FAKE_KEYS): Promise<GoogleAdsFake> {
  const state = newGoogleAdsFakeState(keys);
  const server = await listenOnLoopback(createGoogleAdsFake(state));
  return {
    baseUrl: `${server.origin}/${GOOGLE_ADS_VERSION}`,
    tokenUrl: `${server.origin}/token`,
    keys,
    requests: () => state.requests,
    control: {
      failNext(count, kind) {
        for (let index = 0; index < count; index += 1) state.failures.push(kind);
      },
      addUserList(customerId, userListId) {
        state.userLists.add(`${customerId}/${userListId}`);
      },
      advanceJob: (jobName, to, failureReason) => advanceJob(state, jobName, to, failureReason),
      advanceOnPoll(on) {
        state.advanceOnPoll = on;
      },
      jobs: () => [...state.jobs.values()],
      members: (customerId, userListId) => state.members.get(`${customerId}/${userListId}`) ?? new Set(),
      reset() {
        state.jobs.clear();
        state.members.clear();
        state.issuedTokens.clear();
        state.failures.length = 0;
        state.requests.length = 0;
        state.advanceOnPoll = false;
      },
    },
    stop: () => server.stop(),
  };
}
