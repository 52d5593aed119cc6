import { describe, expect, it } from 'vitest';
import { requestJson, type FetchLike } from '../../../../src/pipeline/enrich/providers/http-json';
import { fixedNow } from './fixed-clock';

const SECRET = 'sk-live-secret-value';
const url = new URL('https://provider.test/v1/people?api_key=sk-live-secret-value');

function replying(status: number, body: string, headers: Record<string, string> = {}): FetchLike {
  return async () => new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });
}

const call = (fetch: FetchLike, extra: Partial<Parameters<typeof requestJson>[0]> = {}) =>
  requestJson({ label: 'test', url, timeoutMs: 1_000, secrets: [SECRET], ...extra }, { fetch, now: fixedNow });

describe('requestJson', () => {
  it('when the reply is 200 JSON, then the parsed body comes back', async () => {
    expect(await call(replying(200, '{"a":1}'))).toMatchObject({ kind: 'json', status: 200, body: { a: 1 } });
  });

  it('when a 200 reply is HTML, then it is a bad reply naming the content type', async () => {
    const result = await call(async () => new Response('<html></html>', { headers: { 'content-type': 'text/html' } }));
    expect(result).toMatchObject({ kind: 'bad_reply' });
    expect(result.kind === 'bad_reply' && result.reason).toContain('text/html');
  });

  it('when a 200 reply is truncated JSON, then it is a bad reply', async () => {
    expect(await call(replying(200, '{"a":'))).toMatchObject({ kind: 'bad_reply' });
  });

  it.each([
    [401, 'bad_credentials'],
    [403, 'bad_credentials'],
    [402, 'quota_exhausted'],
    [429, 'retry_later'],
    [500, 'retry_later'],
    [503, 'retry_later'],
    [400, 'bad_reply'],
    [404, 'bad_reply'],
  ])('when the reply is HTTP %i, then the outcome is %s', async (status, kind) => {
    expect(await call(replying(status, '{}'))).toMatchObject({ kind });
  });

  it('when the provider says 404 means no match, then a 404 is no match', async () => {
    expect(await call(replying(404, '{}'), { noMatchStatuses: [404] })).toEqual({ kind: 'no_match', status: 404 });
  });

  it('when a 403 carries Retry-After, then it is retry later with that wait, not bad credentials', async () => {
    expect(await call(replying(403, '{}', { 'retry-after': '7' }))).toMatchObject({
      kind: 'retry_later',
      retryAfterMs: 7_000,
    });
  });

  it('when a 429 carries only rate headers, then the wait comes from them', async () => {
    expect(await call(replying(429, '{}', { 'x-minute-requests-left': '0' }))).toMatchObject({
      kind: 'retry_later',
      retryAfterMs: 60_000,
    });
  });

  it('when a status is overridden for the provider, then the override decides', async () => {
    expect(await call(replying(403, '{}'), { statusOverrides: { 403: 'retry_later' } })).toMatchObject({
      kind: 'retry_later',
    });
  });

  it('when a 202 is a "still working" status, then it is retry later', async () => {
    expect(await call(replying(202, '{}'), { pendingStatuses: [202] })).toMatchObject({ kind: 'retry_later' });
  });

  it('when the network fails, then it is retry later and the reason does not carry the secret', async () => {
    const result = await call(async () => {
      throw new TypeError(`connect ECONNREFUSED for ${url.href}`);
    });
    expect(result).toMatchObject({ kind: 'retry_later' });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('when no reply comes before the timeout, then it is retry later', async () => {
    const hanging: FetchLike = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const result = await call(hanging, { timeoutMs: 20 });
    expect(result).toMatchObject({ kind: 'retry_later' });
    expect(result.kind === 'retry_later' && result.reason).toContain('no reply within 20 ms');
  });

  it('when the network error quotes the URL with the key URL-encoded, then the reason masks it', async () => {
    const key = 'pk/live+key=42&x';
    const encodedUrl = new URL(`https://provider.test/v1/people?api_key=${encodeURIComponent(key)}`);
    const result = await call(
      async () => {
        throw new TypeError(`request to ${encodedUrl.href} failed, reason: connect ECONNREFUSED`);
      },
      { url: encodedUrl, secrets: [key] },
    );
    expect(result).toMatchObject({ kind: 'retry_later' });
    expect(JSON.stringify(result)).not.toContain(encodeURIComponent(key));
    expect(JSON.stringify(result)).toContain('[redacted]');
  });

  it('when an error body echoes the key base64-encoded, then the reason masks it', async () => {
    const echoed = Buffer.from(`user:${SECRET}`).toString('base64');
    const result = await call(replying(401, JSON.stringify({ message: `credentials ${echoed} refused` })));
    expect(result).toMatchObject({ kind: 'bad_credentials' });
    const reason = result.kind === 'bad_credentials' ? result.reason : '';
    expect(reason).toContain('[redacted]');
    expect(
      Buffer.from(reason.replace(/.*credentials /, '').split('[redacted]')[0] ?? '', 'base64').toString(),
    ).not.toContain(SECRET.slice(0, 8));
  });

  it('when an error body echoes the key, then the reason masks it', async () => {
    const result = await call(replying(401, JSON.stringify({ message: `key ${SECRET} is revoked` })));
    expect(result).toMatchObject({ kind: 'bad_credentials' });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('when a body is given, then it is sent as JSON', async () => {
    let sent: RequestInit | undefined;
    await call(
      async (_input, init) => {
        sent = init;
        return new Response('{}');
      },
      { method: 'POST', body: { email: 'a"b@c.co' } },
    );
    expect(sent?.body).toBe('{"email":"a\\"b@c.co"}');
    expect((sent?.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('when a reply declares more than 2 MB, then it is refused as a bad reply without being read', async () => {
    const huge = replying(200, '{}', { 'content-length': String(50 * 1024 * 1024) });
    expect(await call(huge)).toMatchObject({ kind: 'bad_reply' });
  });
});
