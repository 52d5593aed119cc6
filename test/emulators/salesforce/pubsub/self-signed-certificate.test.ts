import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from './self-signed-certificate';

describe('the Pub/Sub endpoint certificate', () => {
  it('is a valid self-signed X.509 certificate for localhost and 127.0.0.1, matching its key', () => {
    const identity = createSelfSignedCertificate();
    const certificate = new X509Certificate(identity.certificatePem);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkHost('localhost')).toBe('localhost');
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(certificate.ca).toBe(false);
    expect(certificate.checkPrivateKey(createPrivateKey(identity.privateKeyPem))).toBe(true);
    expect(new Date(certificate.validTo).getTime()).toBeGreaterThan(Date.now());
  });

  it('stays valid DER whatever random serial it draws (a leading zero byte once made OpenSSL refuse it)', () => {
    for (const first of [0x00, 0x7f, 0x80, 0xff]) {
      const serial = Buffer.alloc(16, 0x11);
      serial[0] = first;
      serial[1] = 0x05;
      const identity = createSelfSignedCertificate('localhost', Date.now(), serial);
      const certificate = new X509Certificate(identity.certificatePem);
      expect(certificate.verify(certificate.publicKey)).toBe(true);
      expect(certificate.serialNumber).toHaveLength(32);
    }
  });
});
