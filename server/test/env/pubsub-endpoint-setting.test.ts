import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/env/env';
import { loopSettingsFromEnv } from '../../src/runtime/loop-settings';
import { sandboxTransport } from '../../src/sandbox/sandbox-transport';

describe('PUBSUB_ENDPOINT', () => {
  it("when unset, empty or only spaces, then it is Salesforce's endpoint", () => {
    for (const value of [undefined, '', '   ']) {
      expect(loadEnv({ PUBSUB_ENDPOINT: value }).PUBSUB_ENDPOINT).toBe('api.pubsub.salesforce.com:7443');
    }
  });

  it('when it is host:port (a name, IPv4 or bracketed IPv6), then it is kept, trimmed', () => {
    expect(loadEnv({ PUBSUB_ENDPOINT: ' pubsub.internal.example.com:443 ' }).PUBSUB_ENDPOINT).toBe(
      'pubsub.internal.example.com:443',
    );
    expect(loadEnv({ PUBSUB_ENDPOINT: 'localhost:50443' }).PUBSUB_ENDPOINT).toBe('localhost:50443');
    expect(loadEnv({ PUBSUB_ENDPOINT: '127.0.0.1:7443' }).PUBSUB_ENDPOINT).toBe('127.0.0.1:7443');
    expect(loadEnv({ PUBSUB_ENDPOINT: '[::1]:7443' }).PUBSUB_ENDPOINT).toBe('[::1]:7443');
  });

  it('when it has a scheme, no port, a port out of range or no valid host, then start is refused naming the variable', () => {
    expect(() => loadEnv({ PUBSUB_ENDPOINT: 'https://api.pubsub.salesforce.com:7443' })).toThrow(
      /PUBSUB_ENDPOINT: must be host:port without a scheme/,
    );
    expect(() => loadEnv({ PUBSUB_ENDPOINT: 'api.pubsub.salesforce.com' })).toThrow(
      /PUBSUB_ENDPOINT: must be host:port with a port from 1 to 65535/,
    );
    for (const value of ['api.pubsub.salesforce.com:0', 'api.pubsub.salesforce.com:70000', ':7443']) {
      expect(() => loadEnv({ PUBSUB_ENDPOINT: value })).toThrow(/PUBSUB_ENDPOINT: must be host:port/);
    }
    expect(() => loadEnv({ PUBSUB_ENDPOINT: 'pub sub:7443' })).toThrow(/PUBSUB_ENDPOINT: names no valid host/);
    expect(() => loadEnv({ PUBSUB_ENDPOINT: '[not-v6]:7443' })).toThrow(/PUBSUB_ENDPOINT: names no valid host/);
  });

  it('when CDC_TRANSPORT is pubsub, then the loop dials PUBSUB_ENDPOINT; the sandbox dials its own emulator', () => {
    const env = loadEnv({ CDC_TRANSPORT: 'pubsub', PUBSUB_ENDPOINT: 'pubsub.example.com:7443' });
    expect(loopSettingsFromEnv(env, '{t}', {}).cdcTransport).toEqual({
      kind: 'pubsub',
      endpoint: 'pubsub.example.com:7443',
    });
    expect(loopSettingsFromEnv(loadEnv({}), '{t}', {}).cdcTransport).toEqual({ kind: 'cometd' });
    expect(sandboxTransport('pubsub', { pubSubEndpoint: '127.0.0.1:40001' })).toEqual({
      kind: 'pubsub',
      endpoint: '127.0.0.1:40001',
      rejectUnauthorized: false,
    });
    expect(sandboxTransport('cometd', { pubSubEndpoint: '127.0.0.1:40001' })).toEqual({ kind: 'cometd' });
  });
});
