/**
 * A provider an admin defines in ENRICHMENT_PROVIDERS_FILE: fill the templates with the record's fields, call, read
 * the configured JSON paths. A reply that is not a JSON object/array, or a path holding the wrong kind of value for
 * its attribute, is a bad reply; a reply where no path holds a value is no match (the call is still charged
 * `perCall`).
 */
import { ATTRIBUTE_SPECS, valueSchemaFor, type AttributeKey } from '../../../domain/attributes';
import { domainFromWebsite } from '../offline/company-domain';
import { normalizeLinkedInUrl } from '../offline/linkedin-url';
import { offer, type Candidates } from './attribute-values';
import { requestJson, type FetchLike } from './http-json';
import { readJsonPath } from './json-path';
import type { EnrichmentProvider, ProviderCall, ProviderDescriptor, ProviderInput } from './provider-contract';
import { FIELD_PLACEHOLDER, mapStrings, type HttpProviderConfig } from './providers-file';
import { text } from './provider-input';
import { foldSteps } from './step-results';

export interface HttpProviderDeps {
  fetch: FetchLike;
  now: () => Date;
}

export function createHttpProvider(config: HttpProviderConfig, deps: HttpProviderDeps): EnrichmentProvider {
  const descriptor: ProviderDescriptor = {
    id: config.id,
    produces: config.produces.map((entry) => entry.key),
    inputFields: config.inputFields,
    requiredInputs: config.requiredInputs,
    cost: config.cost,
    rateLimit: config.rateLimit,
    timeoutMs: config.timeoutMs,
  };
  const label = config.id;

  return {
    descriptor,
    async enrich(call: ProviderCall) {
      if (!hasRequiredInputs(call.input, config.requiredInputs)) return { kind: 'no_match', creditsCharged: 0 };
      const reply = await requestJson(
        {
          label,
          url: new URL(fillUrl(config.url, call.input)),
          method: config.method,
          headers: config.headers,
          body: config.body === undefined ? undefined : fillBody(config.body, call.input),
          timeoutMs: config.timeoutMs,
          signal: call.signal,
          noMatchStatuses: config.noMatchStatuses,
          secrets: config.secrets,
        },
        deps,
      );
      if (reply.kind === 'no_match') return { kind: 'no_match', creditsCharged: config.cost.perCall };
      if (reply.kind !== 'json') return reply;
      if (reply.body === null || typeof reply.body !== 'object') {
        return { kind: 'bad_reply', reason: `${label}: reply is JSON but not an object or array` };
      }

      const confidence = readConfidence(config, reply.body);
      const candidates: Candidates = {};
      for (const { key, path, source } of config.produces) {
        if (!call.wanted.includes(key)) continue;
        const raw = readJsonPath(reply.body, path);
        if (raw === undefined || raw === null || raw === '') continue;
        const value = normalizeForKey(key, raw);
        if (!valueSchemaFor(key).safeParse(value).success) {
          return { kind: 'bad_reply', reason: `${label}: ${source} does not hold a valid ${key}` };
        }
        offer(candidates, key, value, confidence);
      }
      const found = Object.keys(candidates).length > 0;
      return foldSteps(
        config.id,
        [
          found
            ? { kind: 'found', candidates, credits: config.cost.perCall + config.cost.perMatch }
            : { kind: 'none', credits: config.cost.perCall },
        ],
        call.wanted,
        deps.now(),
      );
    },
  };
}

function hasRequiredInputs(input: ProviderInput, requiredInputs: readonly (readonly string[])[]): boolean {
  return requiredInputs.some((combination) => combination.every((field) => text(input, field) !== undefined));
}

function fillUrl(template: string, input: ProviderInput): string {
  return template.replace(FIELD_PLACEHOLDER, (_whole, field: string) => encodeURIComponent(text(input, field) ?? ''));
}

// A string that is exactly one placeholder takes the field's value as is; otherwise placeholders are spliced in.
// The body is built as a value and serialised once, so a field can never break out of its JSON string.
function fillBody(template: unknown, input: ProviderInput): unknown {
  return mapStrings(template, (value) => {
    const whole = /^\{\{\s*([A-Za-z][\w.]*)\s*\}\}$/.exec(value);
    if (whole) return text(input, whole[1] ?? '') ?? null;
    return value.replace(FIELD_PLACEHOLDER, (_match, field: string) => text(input, field) ?? '');
  });
}

function readConfidence(config: HttpProviderConfig, body: unknown): number {
  if (!config.confidence.path) return config.confidence.fallback;
  const raw = readJsonPath(body, config.confidence.path);
  const number = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof number === 'number' && Number.isFinite(number)
    ? number / config.confidence.max
    : config.confidence.fallback;
}

// Light normalisation into our formats (numeric text for numbers, canonical LinkedIn URLs, bare domains); anything
// else must already be in the attribute's format, or the reply is reported as bad so the admin sees the mapping fail.
function normalizeForKey(key: AttributeKey, raw: unknown): unknown {
  const kind = ATTRIBUTE_SPECS[key].kind;
  if (typeof raw !== 'string') return raw;
  const trimmed = raw.trim();
  if (kind === 'number' || kind === 'currency') return trimmed === '' ? raw : Number(trimmed);
  if (key === 'person.linkedin_url') return normalizeLinkedInUrl(trimmed) ?? null;
  if (kind === 'domain') return domainFromWebsite(trimmed) ?? raw;
  return trimmed;
}
