/**
 * ENRICHMENT_PROVIDERS_FILE: HTTP/JSON providers an admin defines without code. Each entry is checked on its own, so
 * one bad entry disables only that provider (with a reason naming what is wrong) and never stops the server.
 *
 * Secrets come only from the environment: `${NAME}` in the url, headers or body expands from the environment at load
 * time; a missing or blank variable disables the provider. `{{Field}}` placeholders take the record's field values
 * per call (URL-encoded in the url).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { attributeKeySchema, type AttributeKey } from '../../../domain/attributes';
import { parseJsonPath, type JsonPath } from './json-path';
import type { ProviderId } from './provider-contract';
import { urlSettingProblem } from '../../../env/url-setting';

const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const FIELD_PLACEHOLDER = /\{\{\s*([A-Za-z][\w.]*)\s*\}\}/g;
const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export const providerEntrySchema = z.strictObject({
  name: z.string().regex(PROVIDER_NAME, 'must be lower-case letters, digits, - or _ (at most 40)'),
  method: z.enum(['GET', 'POST']).default('GET'),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.json().optional(),
  produces: z
    .partialRecord(attributeKeySchema, z.string())
    .refine((produces) => Object.keys(produces).length > 0, 'must name at least one attribute'),
  confidencePath: z.string().optional(),
  /** The confidence path's scale (100 for a 0–100 score). */
  confidenceMax: z.number().positive().default(1),
  /** Confidence when there is no confidence path, or it holds no number. */
  defaultConfidence: z.number().min(0).max(1).default(0.7),
  inputFields: z.array(z.string().min(1)).min(1),
  requiredInputs: z.array(z.array(z.string().min(1)).min(1)).min(1),
  cost: z.strictObject({ perCall: z.number().nonnegative(), perMatch: z.number().nonnegative() }),
  rateLimit: z.strictObject({ max: z.number().int().positive(), windowMs: z.number().int().positive() }),
  timeoutMs: z.number().int().positive().max(120_000),
  noMatchStatuses: z.array(z.number().int().min(400).max(599)).default([404]),
});
export type ProviderEntry = z.infer<typeof providerEntrySchema>;

const providersFileSchema = z.object({ providers: z.array(z.unknown()) });

/** One configured provider, secrets expanded and paths parsed, ready for `createHttpProvider`. */
export interface HttpProviderConfig {
  id: `http:${string}`;
  method: 'GET' | 'POST';
  url: string;
  headers: Readonly<Record<string, string>>;
  body?: unknown;
  produces: readonly { key: AttributeKey; path: JsonPath; source: string }[];
  confidence: { path?: JsonPath; max: number; fallback: number };
  inputFields: readonly string[];
  requiredInputs: readonly (readonly string[])[];
  cost: { perCall: number; perMatch: number };
  rateLimit: { max: number; windowMs: number };
  timeoutMs: number;
  noMatchStatuses: readonly number[];
  /** The expanded environment values, masked if a reply ever echoes them. */
  secrets: readonly string[];
}

export interface DisabledProvider {
  id: ProviderId;
  reason: string;
}

export interface ProvidersFileResult {
  providers: HttpProviderConfig[];
  disabled: DisabledProvider[];
}

type Environment = Readonly<Record<string, string | undefined>>;

/** Reads and checks the file; an unreadable file disables every provider it would have defined (`http:*`). */
export function loadProvidersFile(
  path: string,
  environment: Environment,
  readFile: (path: string) => string = (file) => readFileSync(file, 'utf8'),
): ProvidersFileResult {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return fileFailure(`ENRICHMENT_PROVIDERS_FILE ${path} cannot be read (${code})`);
  }
  return parseProvidersFile(text, environment, path);
}

export function parseProvidersFile(text: string, environment: Environment, source: string): ProvidersFileResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fileFailure(`ENRICHMENT_PROVIDERS_FILE ${source} is not valid JSON: ${(error as Error).message}`);
  }
  const file = providersFileSchema.safeParse(json);
  if (!file.success) {
    return fileFailure(`ENRICHMENT_PROVIDERS_FILE ${source} must be an object with a "providers" array`);
  }
  const result: ProvidersFileResult = { providers: [], disabled: [] };
  const seen = new Set<string>();
  file.data.providers.forEach((raw, index) => {
    const checked = checkEntry(raw, environment);
    const id = entryId(raw, index);
    if (!checked.ok) {
      result.disabled.push({ id, reason: `${source} providers[${index}] (${id}): ${checked.reason}` });
    } else if (seen.has(checked.config.id)) {
      result.disabled.push({ id, reason: `${source} providers[${index}]: the name is used by an earlier provider` });
    } else {
      seen.add(checked.config.id);
      result.providers.push(checked.config);
    }
  });
  return result;
}

function fileFailure(reason: string): ProvidersFileResult {
  return { providers: [], disabled: [{ id: 'http:*', reason }] };
}

function entryId(raw: unknown, index: number): `http:${string}` {
  const name = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).name : undefined;
  return typeof name === 'string' && PROVIDER_NAME.test(name) ? `http:${name}` : `http:#${index}`;
}

type Checked = { ok: true; config: HttpProviderConfig } | { ok: false; reason: string };

function checkEntry(raw: unknown, environment: Environment): Checked {
  const parsed = providerEntrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.map(String).join('.') : 'entry';
    return { ok: false, reason: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  const entry = parsed.data;
  const fieldProblem = checkFields(entry);
  if (fieldProblem) return { ok: false, reason: fieldProblem };

  const produces: { key: AttributeKey; path: JsonPath; source: string }[] = [];
  for (const [key, source] of Object.entries(entry.produces) as [AttributeKey, string][]) {
    const path = parseJsonPath(source);
    if (!path.ok) return { ok: false, reason: `produces["${key}"]: ${path.message}` };
    produces.push({ key, path: path.path, source });
  }
  let confidencePath: JsonPath | undefined;
  if (entry.confidencePath !== undefined) {
    const path = parseJsonPath(entry.confidencePath);
    if (!path.ok) return { ok: false, reason: `confidencePath: ${path.message}` };
    confidencePath = path.path;
  }

  const missing = new Set<string>();
  const secrets = new Set<string>();
  const expand = (value: string) =>
    value.replace(ENV_REFERENCE, (_whole, name: string) => {
      const found = environment[name];
      if (found === undefined || found.trim() === '') {
        missing.add(name);
        return '';
      }
      secrets.add(found);
      return found;
    });
  const url = expand(entry.url);
  const headers = Object.fromEntries(Object.entries(entry.headers).map(([name, value]) => [name, expand(value)]));
  const body = entry.body === undefined ? undefined : mapStrings(entry.body, expand);
  if (missing.size > 0) {
    const names = [...missing].join(', ');
    return { ok: false, reason: `needs environment variable ${names}, which is not set; provider disabled` };
  }
  const urlProblem = checkUrl(url);
  if (urlProblem) return { ok: false, reason: urlProblem };

  return {
    ok: true,
    config: {
      id: `http:${entry.name}`,
      method: entry.method,
      url,
      headers,
      body,
      produces,
      confidence: { path: confidencePath, max: entry.confidenceMax, fallback: entry.defaultConfidence },
      inputFields: entry.inputFields,
      requiredInputs: entry.requiredInputs,
      cost: entry.cost,
      rateLimit: entry.rateLimit,
      timeoutMs: entry.timeoutMs,
      noMatchStatuses: entry.noMatchStatuses,
      secrets: [...secrets],
    },
  };
}

// Every field a template or requirement names must be one the provider declares, so the mirror keeps it.
function checkFields(entry: ProviderEntry): string | undefined {
  const declared = new Set(entry.inputFields);
  const templated = [...placeholders(entry.url), ...(entry.body === undefined ? [] : placeholdersIn(entry.body))];
  const undeclaredTemplate = templated.find((field) => !declared.has(field));
  if (undeclaredTemplate) return `placeholder {{${undeclaredTemplate}}} is not listed in inputFields`;
  const undeclaredRequired = entry.requiredInputs.flat().find((field) => !declared.has(field));
  if (undeclaredRequired) return `requiredInputs names ${undeclaredRequired}, which is not listed in inputFields`;
  return undefined;
}

function checkUrl(url: string): string | undefined {
  const marker = 'field-placeholder';
  let parsed: URL;
  try {
    parsed = new URL(url.replace(FIELD_PLACEHOLDER, marker));
  } catch {
    return 'url is not a valid URL (after expanding ${…} variables)';
  }
  // The url may carry a key (${…}): https only, or http to a loopback host (a local fake), as for *_BASE_URL.
  const problem = urlSettingProblem(parsed.href);
  if (problem) return `url ${problem}`;
  if (parsed.host.includes(marker)) return 'url placeholders may not be in the host';
  return undefined;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(FIELD_PLACEHOLDER)].map((match) => match[1] ?? '');
}

function placeholdersIn(value: unknown): string[] {
  if (typeof value === 'string') return placeholders(value);
  if (Array.isArray(value)) return value.flatMap(placeholdersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(placeholdersIn);
  return [];
}

/** Applies `map` to every string in a JSON value (keys untouched). */
export function mapStrings(value: unknown, map: (text: string) => unknown): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  }
  return value;
}
