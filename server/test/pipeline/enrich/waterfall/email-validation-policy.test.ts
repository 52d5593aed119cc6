import { describe, expect, it } from 'vitest';
import { judgeEmail } from '../../../../src/pipeline/enrich/waterfall/email-validation-policy';

describe('judgeEmail', () => {
  it.each(['conservative', 'balanced'] as const)(
    '%s: malformed, disposable and undeliverable are always refused',
    (policy) => {
      expect(judgeEmail('not-an-email', undefined, policy)).toEqual({ accepted: false, reason: 'malformed' });
      expect(judgeEmail('x@mailinator.com', undefined, policy)).toEqual({ accepted: false, reason: 'disposable' });
      expect(judgeEmail('ada@acme.com', 'undeliverable', policy)).toEqual({ accepted: false, reason: 'undeliverable' });
      expect(judgeEmail('ada@acme.com', 'invalid', policy)).toEqual({ accepted: false, reason: 'malformed' });
    },
  );

  it('when a verifier says risky (catch-all), then conservative refuses and balanced accepts with lower confidence', () => {
    expect(judgeEmail('ada@acme.com', 'risky', 'conservative')).toEqual({ accepted: false, reason: 'risky' });
    expect(judgeEmail('ada@acme.com', 'risky', 'balanced')).toEqual({ accepted: true, confidenceFactor: 0.6 });
  });

  it('when verified, then both accept at full confidence; unverified is accepted slightly discounted', () => {
    expect(judgeEmail('ada@acme.com', 'verified', 'conservative')).toEqual({ accepted: true, confidenceFactor: 1 });
    expect(judgeEmail('ada@acme.com', undefined, 'conservative')).toEqual({ accepted: true, confidenceFactor: 0.85 });
    expect(judgeEmail('ada@acme.com', 'valid_format', 'balanced')).toEqual({ accepted: true, confidenceFactor: 0.85 });
  });
});
