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
});
