/**
 * The built-in `offline` provider: computeOfflineAttributes behind the provider seam. No key, no network, no cost;
 * it goes first in every waterfall.
 */
import {
  computeOfflineAttributes,
  OFFLINE_ATTRIBUTE_KEYS,
  OFFLINE_INPUT_FIELDS,
  type OfflineInput,
} from '../offline/offline-provider';
import { isPhoneRegion } from '../offline/phone-number';
import type { EnrichmentProvider, ProviderDescriptor } from './provider-contract';

export interface OfflineProviderOptions {
  /** DEFAULT_PHONE_REGION. */
  defaultRegion: string;
  now: () => Date;
}

const INPUT_FIELDS = [...new Set(Object.values(OFFLINE_INPUT_FIELDS).flat())];

export function createOfflineProvider(options: OfflineProviderOptions): EnrichmentProvider {
  // Checked here so a wrong region fails at start, not on the first record.
  if (!isPhoneRegion(options.defaultRegion)) {
    throw new RangeError(`DEFAULT_PHONE_REGION "${options.defaultRegion}" is not a region with phone metadata`);
  }
  const descriptor: ProviderDescriptor = {
    id: 'offline',
    produces: OFFLINE_ATTRIBUTE_KEYS,
    inputFields: INPUT_FIELDS,
    // Any one input is enough for some offline attribute.
    requiredInputs: INPUT_FIELDS.map((field) => [field]),
    cost: { perCall: 0, perMatch: 0 },
    // Local computation: no shared limit worth enforcing.
    rateLimit: { max: Number.MAX_SAFE_INTEGER, windowMs: 1_000 },
    timeoutMs: 1_000,
  };
  return {
    descriptor,
    async enrich(call) {
      try {
        const values = computeOfflineAttributes(call.input as OfflineInput, call.wanted, options);
        return values.length > 0
          ? { kind: 'match', values, creditsCharged: 0 }
          : { kind: 'no_match', creditsCharged: 0 };
      } catch (error) {
        // The seam never throws; a bug in a classifier is this record's error, not the run's.
        return { kind: 'bad_reply', reason: `offline: ${error instanceof Error ? error.message : String(error)}` };
      }
    },
  };
}
