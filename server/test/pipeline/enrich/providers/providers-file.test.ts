import { describe, expect, it } from 'vitest';
import { loadProvidersFile, parseProvidersFile } from '../../../../src/pipeline/enrich/providers/providers-file';

const SECRET = 'token-from-env-123456';

const lookup = {
  name: 'acme-data',
  method: 'GET',
  url: 'https://data.acme.test/v1/people/lookup?email={{Email}}',
  headers: { Authorization: 'Bearer ${ACME_DATA_TOKEN}' },
  produces: { 'person.work_email': '$.match.work_email', 'person.title': "$.match['job'].title" },
  confidencePath: '$.score',
  confidenceMax: 100,
  inputFields: ['Email'],
  requiredInputs: [['Email']],
  cost: { perCall: 0.1, perMatch: 1 },
  rateLimit: { max: 60, windowMs: 60_000 },
  timeoutMs: 5_000,
};

const parse = (providers: unknown[], environment: Record<string, string | undefined> = { ACME_DATA_TOKEN: SECRET }) =>
  parseProvidersFile(JSON.stringify({ providers }), environment, 'providers.json');

describe('parseProvidersFile', () => {
  it('when an entry is valid, then it becomes http:<name> with the secret expanded and the paths parsed', () => {
    const result = parse([lookup]);
    expect(result.disabled).toEqual([]);
    expect(result.providers).toHaveLength(1);
    expect(result.providers[0]).toMatchObject({
      id: 'http:acme-data',
      headers: { Authorization: `Bearer ${SECRET}` },
      produces: [
        { key: 'person.work_email', path: ['match', 'work_email'] },
        { key: 'person.title', path: ['match', 'job', 'title'] },
      ],
      confidence: { path: ['score'], max: 100, fallback: 0.7 },
      noMatchStatuses: [404],
      secrets: [SECRET],
    });
  });

  it('when the secret variable is not set, then the provider is disabled with a reason naming the variable', () => {
    const result = parse([lookup], {});
    expect(result.providers).toEqual([]);
    expect(result.disabled).toHaveLength(1);
    expect(result.disabled[0]?.id).toBe('http:acme-data');
    expect(result.disabled[0]?.reason).toContain('ACME_DATA_TOKEN');
  });

  it('when the secret variable is blank, then the provider is disabled too', () => {
    expect(parse([lookup], { ACME_DATA_TOKEN: '  ' }).disabled[0]?.reason).toContain('ACME_DATA_TOKEN');
  });

  it('when the url is plain http to a host other than loopback, then the provider is disabled (its key would travel in clear)', () => {
    const clear = { ...lookup, url: 'http://data.acme.test/v1/people/lookup?email={{Email}}' };
    expect(parse([clear]).disabled[0]?.reason).toContain('must use https');
    const local = { ...lookup, url: 'http://127.0.0.1:9000/v1/people/lookup?email={{Email}}' };
    expect(parse([local]).disabled).toEqual([]);
  });

  it('when a JSON path is malformed, then the reason names the attribute and the path', () => {
    const result = parse([{ ...lookup, produces: { 'person.work_email': '$.match..work_email' } }]);
    expect(result.providers).toEqual([]);
    expect(result.disabled[0]?.reason).toContain('produces["person.work_email"]');
    expect(result.disabled[0]?.reason).toContain('$.match..work_email');
  });

  it('when a path does not start with $, then the reason says so', () => {
    const result = parse([{ ...lookup, confidencePath: 'score' }]);
    expect(result.disabled[0]?.reason).toContain('confidencePath');
  });

  it('when produces names an unknown attribute, then the entry is disabled', () => {
    const result = parse([{ ...lookup, produces: { 'person.shoe_size': '$.size' } }]);
    expect(result.disabled[0]?.reason).toContain('produces');
  });

  it('when a placeholder names a field not in inputFields, then the entry is disabled naming it', () => {
    const result = parse([{ ...lookup, url: 'https://data.acme.test/v1/p?email={{Email}}&name={{LastName}}' }]);
    expect(result.disabled[0]?.reason).toContain('{{LastName}}');
  });

  it('when a placeholder sits in the host, then the entry is disabled', () => {
    const result = parse([{ ...lookup, url: 'https://{{Email}}.acme.test/v1' }]);
    expect(result.disabled[0]?.reason).toContain('host');
  });

  it('when one entry is bad, then the others still load', () => {
    const result = parse([
      { ...lookup, name: 'Bad Name' },
      { ...lookup, name: 'second' },
    ]);
    expect(result.providers.map((provider) => provider.id)).toEqual(['http:second']);
    expect(result.disabled).toHaveLength(1);
    expect(result.disabled[0]?.reason).toContain('name');
  });

  it('when two entries share a name, then the second is disabled', () => {
    const result = parse([lookup, lookup]);
    expect(result.providers).toHaveLength(1);
    expect(result.disabled[0]?.reason).toContain('earlier provider');
  });

  it('when an entry has an unknown setting, then it is disabled rather than silently ignoring it', () => {
    expect(parse([{ ...lookup, costPerCall: 1 }]).disabled).toHaveLength(1);
  });

  it('when the file is not JSON, then every file provider is disabled with one reason', () => {
    const result = parseProvidersFile('{ providers: [', {}, 'providers.json');
    expect(result).toEqual({
      providers: [],
      disabled: [{ id: 'http:*', reason: expect.stringContaining('not valid JSON') }],
    });
  });

  it('when the file has no providers array, then it is disabled with a reason', () => {
    expect(parseProvidersFile('{"provider": []}', {}, 'p.json').disabled[0]?.reason).toContain('"providers" array');
  });
});

describe('loadProvidersFile', () => {
  it('when the file cannot be read, then every file provider is disabled, naming the file', () => {
    const result = loadProvidersFile('/nowhere/providers.json', {}, () => {
      throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    });
    expect(result.disabled).toEqual([{ id: 'http:*', reason: expect.stringContaining('/nowhere/providers.json') }]);
  });
});
