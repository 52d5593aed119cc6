import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnv, salesforceMode } from '../../src/env/env';
import { envSchema } from '../../src/env/env-schema';
import { listenHost } from '../../src/env/listen-host';
import { ConfigError } from '../../src/lib/errors';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

function parseEnvExample(): Record<string, string> {
  const text = readFileSync(path.join(repoRoot, '.env.example'), 'utf8');
  const entries: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(\S*)/.exec(line);
    if (match?.[1] !== undefined) entries[match[1]] = match[2] ?? '';
  }
  return entries;
}

describe('loadEnv', () => {
  it('when nothing is set, then every default applies and the mode is sandbox', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.REDIS_PREFIX).toBe('{al}');
    expect(env.API_BUDGET_PAUSE).toBe(0.7);
    expect(env.API_BUDGET_STOP).toBe(0.9);
    expect(env.BULK_QUERY_THRESHOLD).toBe(50_000);
    expect(env.BULK_WRITE_THRESHOLD).toBe(10_000);
    expect(salesforceMode(env)).toBe('sandbox');
  });

  it('when REDIS_CLUSTER_NODES lists host:port pairs, then they become the cluster seeds; unset means one Redis', () => {
    expect(loadEnv({}).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(
      loadEnv({ REDIS_CLUSTER_NODES: ' 10.0.0.5:7000, redis-b.internal:7001,[::1]:7002 ' }).REDIS_CLUSTER_NODES,
    ).toEqual([
      { host: '10.0.0.5', port: 7000 },
      { host: 'redis-b.internal', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(() => loadEnv({ REDIS_CLUSTER_NODES: '10.0.0.5' })).toThrowError(/REDIS_CLUSTER_NODES: .*host:port/);
    expect(() => loadEnv({ REDIS_CLUSTER_NODES: 'a:7000,,b:7001' })).toThrowError(/REDIS_CLUSTER_NODES/);
    expect(() => loadEnv({ REDIS_CLUSTER_NODES: 'a:70000' })).toThrowError(/REDIS_CLUSTER_NODES: .*1-65535/);
  });

  it('when a variable is an empty string, then it counts as missing', () => {
    const env = loadEnv({ PORT: '', REDIS_URL: '  ', SALESFORCE_CLIENT_ID: '' });
    expect(env.PORT).toBe(3000);
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.SALESFORCE_CLIENT_ID).toBeUndefined();
  });

  it('when REDIS_URL names a database index, then it is accepted', () => {
    expect(loadEnv({ REDIS_URL: 'redis://127.0.0.1:6379/4' }).REDIS_URL).toBe('redis://127.0.0.1:6379/4');
  });

  it.each([
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_URL', 'redis://127.0.0.1:6379/notadb'],
    ['PORT', 'eighty'],
    ['REDIS_PREFIX', 'al:'],
    ['API_BUDGET_PAUSE', '1.5'],
    ['SALESFORCE_LOGIN_URL', 'not a url'],
    ['DEFAULT_PHONE_REGION', 'usa'],
    ['LOG_FORMAT', 'text'],
  ])('when %s=%s, then the error names the variable', (name, value) => {
    expect(() => loadEnv({ [name]: value })).toThrowError(ConfigError);
    expect(() => loadEnv({ [name]: value })).toThrowError(new RegExp(`^Invalid environment:\\n\\s+${name}: `, 'm'));
  });

  it('when LOG_FORMAT is pretty or json, then it is kept; unset or empty leaves the choice to the terminal', () => {
    expect(loadEnv({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(loadEnv({ LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    expect(loadEnv({}).LOG_FORMAT).toBeUndefined();
    expect(loadEnv({ LOG_FORMAT: '' }).LOG_FORMAT).toBeUndefined();
  });

  it('when the pause threshold is above the stop threshold, then it is refused', () => {
    expect(() => loadEnv({ API_BUDGET_PAUSE: '0.95', API_BUDGET_STOP: '0.9' })).toThrowError(/API_BUDGET_PAUSE/);
  });
});

describe('URL settings, ADMIN_TOKEN and HOST', () => {
  it.each([
    ['SALESFORCE_LOGIN_URL', 'javascript:alert1', /must use https/],
    ['HUNTER_BASE_URL', 'ftp://x', /must use https .*ftp:/],
    ['PDL_BASE_URL', 'http://api.peopledatalabs.com/v5', /http is allowed only for localhost/],
    ['APOLLO_BASE_URL', 'http://10.0.0.5/api', /http is allowed only for localhost/],
    ['SALESFORCE_INSTANCE_URL', 'file:///etc/passwd', /must use https/],
  ])('when %s=%s, then it is refused with a message naming the variable', (name, value, message) => {
    expect(() => loadEnv({ [name]: value })).toThrowError(new RegExp(`^\\s+${name}: `, 'm'));
    expect(() => loadEnv({ [name]: value })).toThrowError(message);
  });

  it.each([
    'https://acme.my.salesforce.com',
    'http://127.0.0.1:8484',
    'http://127.3.4.5:1/x',
    'http://localhost:3000/v2',
    'http://[::1]:9000/',
  ])('when a URL setting is %s (https, or http to a loopback host), then it is accepted', (value) => {
    expect(loadEnv({ SALESFORCE_LOGIN_URL: value, HUNTER_BASE_URL: value }).HUNTER_BASE_URL).toBe(value);
  });

  it('when ADMIN_TOKEN is only spaces, then it is refused instead of being treated as unset', () => {
    expect(() => loadEnv({ ADMIN_TOKEN: '                    ' })).toThrowError(/ADMIN_TOKEN: is only spaces/);
    expect(loadEnv({ ADMIN_TOKEN: '' }).ADMIN_TOKEN).toBeUndefined();
    expect(loadEnv({ ADMIN_TOKEN: 'a'.repeat(24) }).ADMIN_TOKEN).toBe('a'.repeat(24));
  });

  it('when HOST is unset, then the server listens on loopback in sandbox mode and on every interface with an org', () => {
    expect(listenHost(loadEnv({}), 'sandbox')).toBe('127.0.0.1');
    expect(listenHost(loadEnv({}), 'client_credentials')).toBe('0.0.0.0');
    expect(listenHost(loadEnv({ HOST: '::' }), 'sandbox')).toBe('::');
    expect(() => loadEnv({ HOST: 'not a host!' })).toThrowError(/HOST: /);
  });
});

describe('salesforceMode', () => {
  it.each([
    [{ SALESFORCE_INSTANCE_URL: 'https://x.my.salesforce.com', SALESFORCE_ACCESS_TOKEN: '00D!x' }, 'session'],
    [
      {
        SALESFORCE_LOGIN_URL: 'https://x.my.salesforce.com',
        SALESFORCE_CLIENT_ID: 'id',
        SALESFORCE_CLIENT_SECRET: 's',
      },
      'client_credentials',
    ],
    [
      {
        SALESFORCE_LOGIN_URL: 'https://x.my.salesforce.com',
        SALESFORCE_CLIENT_ID: 'id',
        SALESFORCE_USERNAME: 'u@x.com',
        SALESFORCE_PRIVATE_KEY_FILE: '/k.pem',
      },
      'jwt',
    ],
    [{ SALESFORCE_CLIENT_ID: 'id', SALESFORCE_REFRESH_TOKEN: 'r' }, 'refresh_token'],
  ])('when %o is set, then the mode is %s', (vars, mode) => {
    expect(salesforceMode(loadEnv(vars))).toBe(mode);
  });

  it('when only part of a group is set, then it says which groups are complete', () => {
    expect(() => salesforceMode(loadEnv({ SALESFORCE_CLIENT_ID: 'id' }))).toThrowError(/incomplete/);
  });
});

describe('.env.example', () => {
  it('lists every variable the schema reads, and its values parse', () => {
    const example = parseEnvExample();
    const schemaKeys = Object.keys(envSchema.shape).sort();
    expect(Object.keys(example).sort()).toEqual(schemaKeys);
    expect(() => loadEnv(example)).not.toThrow();
  });
});
