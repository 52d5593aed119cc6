/** The seam between a prospect search run and a provider's person search (PDL, Apollo). */
import { AppError } from '../../lib/errors';
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

/** POSTs JSON and returns the parsed body of a 2xx (or the 404 PDL uses for "none"), coded errors otherwise. */
export async function postJson(
  url: URL,
  headers: Record<string, string>,
  body: unknown,
  options: { fetch?: typeof fetch; signal?: AbortSignal; okStatuses?: number[] } = {},
): Promise<{ status: number; json: unknown }> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    throw new ProspectProviderError('PROSPECT_PROVIDER_UNAVAILABLE', `no answer from ${url.host}: ${String(error)}`);
  }
  const text = await response.text();
  const ok = response.ok || (options.okStatuses ?? []).includes(response.status);
  if (!ok) {
    const code =
      response.status === 429 || response.status >= 500 ? 'PROSPECT_PROVIDER_UNAVAILABLE' : 'PROSPECT_PROVIDER_REFUSED';
    throw new ProspectProviderError(code, `${url.host} answered HTTP ${response.status}`, response.status);
  }
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    throw new ProspectProviderError(
      'PROSPECT_GARBAGE_ANSWER',
      `${url.host} answered HTTP ${response.status} with a body that is not JSON`,
    );
  }
}
