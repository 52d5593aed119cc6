import { describe, expect, it } from 'vitest';
import { echoFingerprint } from '../../../src/pipeline/export/echo-value';
import { sameSalesforceId } from '../../../src/pipeline/export/same-salesforce-id';

describe('echoFingerprint', () => {
  it.each([
    ['2024-01-02T03:04:05.000Z', '2024-01-02T03:04:05.000+0000'],
    ['CTO', 'CTO  '],
    [null, ''],
    [null, undefined],
    ['x'.repeat(500), 'x'.repeat(500)],
  ])('when we sent %j and the echo carries %j, then the fingerprints match', (sent, echoed) => {
    expect(echoFingerprint(sent)).toBe(echoFingerprint(echoed));
  });

  it.each([
    [12, '12'],
    [true, 'true'],
    ['CTO', 'cto'],
    ['2024-01-02', '2024-01-03'],
    ['x'.repeat(500), `${'x'.repeat(499)}y`],
  ])('when we sent %j and the echo carries %j, then the fingerprints differ', (sent, echoed) => {
    expect(echoFingerprint(sent)).not.toBe(echoFingerprint(echoed));
  });

  it('when a value is long, then its fingerprint stays short', () => {
    expect(echoFingerprint('x'.repeat(100_000)).length).toBeLessThan(64);
  });
});

describe('sameSalesforceId', () => {
  it('when one id is the 15-character form of the other, then they are the same', () => {
    expect(sameSalesforceId('005000000000001AAA', '005000000000001')).toBe(true);
  });

  it('when the 15-character parts differ only in case, then they are different ids', () => {
    expect(sameSalesforceId('00500000000000aAAA', '005000000000000AAA')).toBe(false);
  });

  it('when the ids are unrelated, then they are different', () => {
    expect(sameSalesforceId('005000000000001AAA', '005000000000002AAA')).toBe(false);
  });
});
