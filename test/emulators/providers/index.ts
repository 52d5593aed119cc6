/**
 * The enrichment provider fakes (Hunter, People Data Labs, Apollo, a generic HTTP/JSON API), each an express app on
 * its own loopback port, answering the documented shapes from a small fixed directory (fake-directory.ts).
 * `control.setMode` switches a fake into an error or quirk mode; `calls` counts the requests it received.
 */
import { createApolloFake } from './apollo-fake';
import {
  FAKE_MODES,
  listenOnLoopback,
  newFakeState,
  type FakeMode,
  type FakeState,
  type RecordedRequest,
} from './fake-server';
import { createGenericFake } from './generic-fake';
import { createHunterFake } from './hunter-fake';
import { createPdlFake } from './pdl-fake';

export { FAKE_COMPANIES, FAKE_PEOPLE } from './fake-directory';
export { FAKE_PROSPECTS, type FakeProspect } from './prospect-directory';
export { HUNTER_TEST_KEY } from './hunter-fake';
export { FAKE_MODES, type FakeMode, type RecordedRequest };

export type FakeProvider = 'hunter' | 'pdl' | 'apollo' | 'generic';

/** The keys the fakes accept. PDL issues 64-character keys (its SDK refuses others). */
export const FAKE_PROVIDER_KEYS: Readonly<Record<FakeProvider, string>> = {
  hunter: 'fake-hunter-key-0123456789',
  pdl: 'f'.repeat(32) + '0123456789abcdef'.repeat(2),
  apollo: 'fake-apollo-key-0123456789',
  generic: 'fake-generic-token-0123456789',
};

export interface ProviderFakes {
  hunterBaseUrl: string;
  pdlBaseUrl: string;
  apolloBaseUrl: string;
  genericBaseUrl: string;
  keys: Readonly<Record<FakeProvider, string>>;
  calls(provider: FakeProvider): number;
  requests(provider: FakeProvider): readonly RecordedRequest[];
  control: {
    /** `slowMs` sets how long 'slow' waits (default 5 s). */
    setMode(provider: FakeProvider, mode: FakeMode, options?: { slowMs?: number }): void;
    /** Back to 'normal' everywhere, with empty request logs. */
    reset(): void;
  };
  stop(): Promise<void>;
}

export async function startProviderFakes(): Promise<ProviderFakes> {
  const states: Record<FakeProvider, FakeState> = {
    hunter: newFakeState(),
    pdl: newFakeState(),
    apollo: newFakeState(),
    generic: newFakeState(),
  };
  const keys = FAKE_PROVIDER_KEYS;
  const [hunter, pdl, apollo, generic] = await Promise.all([
    listenOnLoopback(createHunterFake(states.hunter, keys.hunter)),
    listenOnLoopback(createPdlFake(states.pdl, keys.pdl)),
    listenOnLoopback(createApolloFake(states.apollo, keys.apollo)),
    listenOnLoopback(createGenericFake(states.generic, keys.generic)),
  ]);
  return {
    hunterBaseUrl: `${hunter.origin}/v2`,
    pdlBaseUrl: `${pdl.origin}/v5`,
    apolloBaseUrl: `${apollo.origin}/api/v1`,
    genericBaseUrl: generic.origin,
    keys,
    calls: (provider) => states[provider].requests.length,
    requests: (provider) => states[provider].requests,
    control: {
      setMode(provider, mode, options) {
        states[provider].mode = mode;
        if (options?.slowMs !== undefined) states[provider].slowMs = options.slowMs;
      },
      reset() {
        for (const state of Object.values(states)) {
          state.mode = 'normal';
          state.requests.length = 0;
        }
      },
    },
    async stop() {
      await Promise.all([hunter.stop(), pdl.stop(), apollo.stop(), generic.stop()]);
    },
  };
}
