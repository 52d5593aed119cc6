/**
 * Hunter (API v2): Email Finder for `person.work_email` (+ the LinkedIn URL it returns) and Email Verifier for
 * `person.email_status`. The key travels as the `api_key` query parameter, as Hunter documents; URLs are therefore
 * never put in reasons or logs.
 *
 * Quirks handled: a finder miss is HTTP 200 with every field null (and costs nothing); the verifier answers 202 (or
 * 222) while it is still working, which is "retry later"; Hunter's 403 is a rate limit, not a key problem; any reply
 * with Retry-After is "retry later"; 402 is the monthly quota.
 */
import { z } from 'zod';
import type { AttributeKey, EmailStatus } from '../../../domain/attributes';
import { normalizeLinkedInUrl } from '../offline/linkedin-url';
import { offer, type Candidates } from './attribute-values';
import { endpointUrl } from './endpoint-url';
import { requestJson, type FetchLike } from './http-json';
import type { EnrichmentProvider, ProviderCall, ProviderDescriptor, ProviderInput } from './provider-contract';
import { companyDomain, companyName, text } from './provider-input';
import { foldSteps, isFailure, wantsAny, type Step } from './step-results';

export interface HunterOptions {
  apiKey: string;
  /** Up to and including the version path, e.g. https://api.hunter.io/v2. */
  baseUrl: string;
  fetch: FetchLike;
  now: () => Date;
  /** Credits as Hunter charges them: a search only when it finds an email, a verification on every answer. */
  costs?: { finderPerMatch?: number; verifierPerCall?: number };
  timeoutMs?: number;
  rateLimit?: { max: number; windowMs: number };
}

const FINDER_KEYS = ['person.work_email', 'person.linkedin_url'] as const satisfies readonly AttributeKey[];
const VERIFIER_KEYS = ['person.email_status'] as const satisfies readonly AttributeKey[];

const finderReplySchema = z.object({
  data: z.object({
    email: z.string().nullable(),
    score: z.number().nullish(),
    linkedin_url: z.string().nullish(),
  }),
});

const verifierReplySchema = z.object({
  data: z.object({
    status: z.string().nullish(),
    result: z.string().nullish(),
    score: z.number().nullish(),
  }),
});

// Confidence when Hunter finds an email but gives no score.
const UNSCORED_CONFIDENCE = 0.5;

export function createHunterProvider(options: HunterOptions): EnrichmentProvider {
  const finderPerMatch = options.costs?.finderPerMatch ?? 1;
  const verifierPerCall = options.costs?.verifierPerCall ?? 0.5;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const descriptor: ProviderDescriptor = {
    id: 'hunter',
    produces: [...FINDER_KEYS, ...VERIFIER_KEYS],
    inputFields: ['Email', 'FirstName', 'LastName', 'Company', 'Website', 'Account.Name', 'Account.Website'],
    requiredInputs: [
      ['Email'],
      ['FirstName', 'LastName', 'Website'],
      ['FirstName', 'LastName', 'Account.Website'],
      ['FirstName', 'LastName', 'Company'],
      ['FirstName', 'LastName', 'Account.Name'],
    ],
    // An upper bound for estimates: a verification on every call, a search only when it finds an email.
    cost: { perCall: verifierPerCall, perMatch: finderPerMatch },
    // The verifier's 300/min is the tighter of Hunter's two documented limits.
    rateLimit: options.rateLimit ?? { max: 300, windowMs: 60_000 },
    timeoutMs,
  };
  const shared = {
    timeoutMs,
    secrets: [options.apiKey],
    // Hunter documents 403 as "rate limit reached"; its 401 is the bad key.
    statusOverrides: { 403: 'retry_later' },
    // 451: Hunter will not process this person's data; nothing to find, nothing charged.
    noMatchStatuses: [451],
  } as const;
  const deps = { fetch: options.fetch, now: options.now };

  async function find(input: ProviderInput, signal: AbortSignal | undefined): Promise<Step | undefined> {
    const firstName = text(input, 'FirstName');
    const lastName = text(input, 'LastName');
    const domain = companyDomain(input);
    const company = domain ? undefined : companyName(input);
    if (!firstName || !lastName || (!domain && !company)) return undefined;
    const url = endpointUrl(options.baseUrl, 'email-finder', {
      domain,
      company,
      first_name: firstName,
      last_name: lastName,
      api_key: options.apiKey,
    });
    const reply = await requestJson({ ...shared, label: 'hunter email-finder', url, signal }, deps);
    if (reply.kind !== 'json') return reply.kind === 'no_match' ? { kind: 'none', credits: 0 } : reply;
    const parsed = finderReplySchema.safeParse(reply.body);
    if (!parsed.success)
      return { kind: 'bad_reply', reason: 'hunter email-finder: reply does not match the documented shape' };
    const { email, score, linkedin_url: linkedIn } = parsed.data.data;
    if (email === null) return { kind: 'none', credits: 0 };
    const confidence = typeof score === 'number' ? score / 100 : UNSCORED_CONFIDENCE;
    const candidates: Candidates = {};
    offer(candidates, 'person.work_email', email.trim(), confidence);
    offer(candidates, 'person.linkedin_url', normalizeLinkedInUrl(linkedIn), confidence);
    return { kind: 'found', candidates, credits: finderPerMatch };
  }

  async function verify(input: ProviderInput, signal: AbortSignal | undefined): Promise<Step | undefined> {
    const email = text(input, 'Email');
    if (!email) return undefined;
    const url = endpointUrl(options.baseUrl, 'email-verifier', { email, api_key: options.apiKey });
    const reply = await requestJson(
      { ...shared, label: 'hunter email-verifier', url, signal, pendingStatuses: [202, 222] },
      deps,
    );
    if (reply.kind !== 'json') return reply.kind === 'no_match' ? { kind: 'none', credits: 0 } : reply;
    const parsed = verifierReplySchema.safeParse(reply.body);
    if (!parsed.success) {
      return { kind: 'bad_reply', reason: 'hunter email-verifier: reply does not match the documented shape' };
    }
    const status = emailStatusFromHunter(parsed.data.data.status, parsed.data.data.result);
    if (status === undefined) return { kind: 'none', credits: verifierPerCall };
    const score = parsed.data.data.score;
    const candidates: Candidates = {};
    offer(candidates, 'person.email_status', status, typeof score === 'number' ? score / 100 : UNSCORED_CONFIDENCE);
    return { kind: 'found', candidates, credits: verifierPerCall };
  }

  return {
    descriptor,
    async enrich(call: ProviderCall) {
      const steps: Step[] = [];
      if (wantsAny(call.wanted, FINDER_KEYS)) {
        const step = await find(call.input, call.signal);
        if (step) steps.push(step);
      }
      // After a key, quota or rate-limit failure a second call would only fail the same way.
      const stop = steps.some((step) => isFailure(step) && step.kind !== 'bad_reply');
      if (!stop && wantsAny(call.wanted, VERIFIER_KEYS)) {
        const step = await verify(call.input, call.signal);
        if (step) steps.push(step);
      }
      return foldSteps('hunter', steps, call.wanted, options.now());
    },
  };
}

/**
 * Hunter's `status` (valid, invalid, accept_all, webmail, disposable, unknown) read as DESIGN §8's verifier values;
 * the deprecated `result` (deliverable, undeliverable, risky) decides for webmail and when `status` is absent.
 * `unknown` gives no value: Hunter could not tell.
 */
export function emailStatusFromHunter(
  status: string | null | undefined,
  result: string | null | undefined,
): EmailStatus | undefined {
  switch (status) {
    case 'valid':
      return 'verified';
    case 'invalid':
      return 'undeliverable';
    case 'accept_all':
    case 'disposable':
      return 'risky';
    case 'unknown':
      return undefined;
    default:
      return emailStatusFromResult(result);
  }
}

function emailStatusFromResult(result: string | null | undefined): EmailStatus | undefined {
  if (result === 'deliverable') return 'verified';
  if (result === 'undeliverable') return 'undeliverable';
  if (result === 'risky') return 'risky';
  return undefined;
}
