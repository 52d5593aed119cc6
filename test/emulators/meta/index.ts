/**
 * The Meta Custom Audiences fake on its own loopback port, with its control API: the request log, failures for the
 * next calls, the audiences it knows and their members (hashes).
 */
import { listenOnLoopback } from '../providers/fake-server';
import {
  createMetaFake,
  META_MAX_ROWS,
  type MetaFailKind,
  type MetaFakeState,
  type MetaRecordedRequest,
} from './meta-fake';

export { META_MAX_ROWS, type MetaFailKind, type MetaRecordedRequest };

export const META_FAKE_TOKEN = 'EAAfake-system-user-token-0123456789';

export interface MetaFake {
  /** Give as META_BASE_URL. */
  baseUrl: string;
  accessToken: string;
  requests(): readonly MetaRecordedRequest[];
  control: {
    failNext(count: number, kind: MetaFailKind): void;
    addAudience(audienceId: string): void;
    members(audienceId: string): ReadonlySet<string>;
    /** Empties the request log, failures and members; keeps the audiences. */
    reset(): void;
  };
  stop(): Promise<void>;
}

export async function startMetaFake(accessToken = META_FAKE_TOKEN): Promise<MetaFake> {
  const state: MetaFakeState = { accessToken, audiences: new Map(), requests: [], failures: [] };
  const server = await listenOnLoopback(createMetaFake(state));
  return {
    baseUrl: server.origin,
    accessToken,
    requests: () => state.requests,
    control: {
      failNext(count, kind) {
        for (let index = 0; index < count; index += 1) state.failures.push(kind);
      },
      addAudience(audienceId) {
        if (!state.audiences.has(audienceId)) state.audiences.set(audienceId, new Set());
      },
      members: (audienceId) => state.audiences.get(audienceId) ?? new Set(),
      reset() {
        state.requests.length = 0;
        state.failures.length = 0;
        for (const members of state.audiences.values()) members.clear();
      },
    },
    stop: () => server.stop(),
  };
}
