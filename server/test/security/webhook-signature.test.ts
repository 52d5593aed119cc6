import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignatureHeader } from '../../src/security/webhook-signature';

const body = Buffer.from('{"id":"evt-1","summary":"é"}', 'utf8');
const now = 1_800_000_000;

describe('X-Audiences-Signature', () => {
  it('signs "<t>.<raw body>" with HMAC-SHA256 in hex, one v1 per secret', () => {
    const header = signatureHeader(body.toString('utf8'), now, ['current-secret', 'previous-secret']);
    const expected = createHmac('sha256', 'current-secret')
      .update(`${now}.${body.toString('utf8')}`)
      .digest('hex');
    expect(header.split(',')).toEqual([`t=${now}`, `v1=${expected}`, expect.stringMatching(/^v1=[0-9a-f]{64}$/)]);
  });

  it('accepts a header made with the current or the previous secret', () => {
    const secrets = ['current-secret', 'previous-secret'];
    expect(verifySignatureHeader(signatureHeader(body, now, ['current-secret']), body, secrets, now)).toEqual({
      ok: true,
    });
    expect(verifySignatureHeader(signatureHeader(body, now, ['previous-secret']), body, secrets, now + 10)).toEqual({
      ok: true,
    });
  });

  it('refuses a missing, malformed, stale or forged header, and a changed body', () => {
    const secrets = ['current-secret'];
    const good = signatureHeader(body, now, secrets);
    expect(verifySignatureHeader(undefined, body, secrets, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySignatureHeader('v1=abc', body, secrets, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignatureHeader(`t=${now}`, body, secrets, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignatureHeader(good, body, secrets, now + 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignatureHeader(good, body, secrets, now - 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignatureHeader(good, body, ['another-secret'], now)).toEqual({ ok: false, reason: 'mismatch' });
    const changed = Buffer.from('{"id":"evt-2","summary":"é"}', 'utf8');
    expect(verifySignatureHeader(good, changed, secrets, now)).toEqual({ ok: false, reason: 'mismatch' });
  });
});
