/** The seam between a prospect search run and a provider's person search (PDL, Apollo). */
import type { z } from 'zod';
import { AppError } from '../../lib/errors';
import { requestJson, type FetchLike } from '../enrich/providers/http-json';
import type { Prospect } from './prospect';
import type { ProspectSearch } from './prospect-settings';

export type ProspectPage = {
  prospects: Prospect[];
  /** People matching the search in all, as the provider counts them. */
  total: number;
  /** Where the next page starts; absent on the last page. */
  next?: string;
};

export interface ProspectSearchProvider {
  readonly id: 'pdl' | 'apollo';
  /** The provider's page size ceiling (both document 100). */
  readonly maxPageSize: number;
  page(search: ProspectSearch, size: number, cursor: string | undefined, signal?: AbortSignal): Promise<ProspectPage>;
}

export type ProspectProviderErrorCode =
  'PROSPECT_GARBAGE_ANSWER' | 'PROSPECT_PROVIDER_REFUSED' | 'PROSPECT_PROVIDER_UNAVAILABLE';

export class ProspectProviderError extends AppError {
  constructor(
    override readonly code: ProspectProviderErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(code, message, code === 'PROSPECT_PROVIDER_UNAVAILABLE');
  }
}

/** A search call as both providers make it: POST JSON, key in `X-Api-Key`, the answer checked by `schema`. */
export type SearchCall<T> = {
  /** Names the provider and endpoint in errors, e.g. "PDL person search". */
  label: string;
  url: URL;
  apiKey: string;
  headers?: Readonly<Record<string, string>>;
  body: unknown;
  schema: z.ZodType<T>;
  /** Statuses the provider uses for "nobody matches" (PDL's 404). */
  noMatchStatuses?: readonly number[];
  fetch?: FetchLike;
  signal?: AbortSignal;
  timeoutMs?: number;
};

/**
 * One search call through the enrichment providers' HTTP path (`requestJson`: timeout, 2 MB cap, Retry-After read,
 * the key masked in every reason), its outcome turned into the run's coded errors: unavailable (429, 5xx, network:
 * retryable), refused (401/402/403, other 4xx), garbage (not JSON, or not the documented shape). Undefined when the
 * provider says nobody matches.
 */
export async function searchCall<T>(call: SearchCall<T>): Promise<T | undefined> {
  const result = await requestJson(
    {
      label: call.label,
      url: call.url,
      method: 'POST',
      headers: { 'X-Api-Key': call.apiKey, ...call.headers },
      body: call.body,
      timeoutMs: call.timeoutMs ?? 30_000,
      ...(call.signal && { signal: call.signal }),
      ...(call.noMatchStatuses && { noMatchStatuses: call.noMatchStatuses }),
      secrets: [call.apiKey],
    },
    { fetch: call.fetch ?? fetch, now: () => new Date() },
  );
  switch (result.kind) {
    case 'no_match':
      return undefined;
    case 'json': {
      const parsed = call.schema.safeParse(result.body);
      if (parsed.success) return parsed.data;
      const where = parsed.error.issues[0]?.path.join('.') || 'body';
      throw new ProspectProviderError(
        'PROSPECT_GARBAGE_ANSWER',
        `${call.label} answered an unexpected shape (${where})`,
      );
    }
    case 'retry_later':
      throw new ProspectProviderError('PROSPECT_PROVIDER_UNAVAILABLE', result.reason);
    case 'bad_credentials':
    case 'quota_exhausted':
      throw new ProspectProviderError('PROSPECT_PROVIDER_REFUSED', result.reason);
    case 'bad_reply':
      // A 2xx that is not JSON (or too large to be an answer) is garbage; any other refusal is the provider's no.
      throw new ProspectProviderError(
        /not JSON|larger than/.test(result.reason) ? 'PROSPECT_GARBAGE_ANSWER' : 'PROSPECT_PROVIDER_REFUSED',
        result.reason,
      );
  }
}
