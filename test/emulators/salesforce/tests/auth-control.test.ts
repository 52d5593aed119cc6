/* eslint-disable @typescript-eslint/no-explicit-any -- REST replies are inspected as loose JSON in tests */
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformEventPublished } from '../org-contract';
import type { RunningEmulator } from '../index';
import { checksum, normalizeId } from '../org/ids';
import { connect, control, raw, startEmu } from './helpers';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

function jwt(claims: Record<string, unknown>, key = privateKey): string {
  const head = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${sign('RSA-SHA256', Buffer.from(head), key).toString('base64url')}`;
}

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmu({ seed: 'none', jwtCertificate: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
});
afterAll(async () => {
  await emu?.stop();
});

async function token(form: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${emu.loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: await res.json() };
}

describe('ids', () => {
  it('computes the 18-character checksum Salesforce uses', () => {
    expect(checksum('001RM000003oLnn')).toBe('YAE');
    expect(checksum('003RM0000068xVC')).toBe('YAY');
    expect(normalizeId('001RM000003oLnn')).toBe('001RM000003oLnnYAE');
    expect(normalizeId('001RM000003oLnnXXX')).toBeUndefined();
  });
});

describe('JWT bearer flow', () => {
  const grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
  it('issues a token for a valid RS256 assertion', async () => {
    const admin = emu.users.find((u) => u.role === 'admin')!;
    const exp = Math.floor(emu.org.clock.now() / 1000) + 300;
    const r = await token({
      grant_type: grant,
      assertion: jwt({ iss: emu.clientId, sub: admin.username, aud: emu.loginUrl, exp }),
    });
    expect(r.status).toBe(200);
    expect(r.body.refresh_token).toBeUndefined();
    expect(r.body.id).toBe(`${emu.instanceUrl}/id/${emu.orgId}/${admin.id}`);
    // The four active users, plus the former rep (inactive).
    const q = await connect(emu, r.body.access_token).query('SELECT Id FROM User');
    expect(q.totalSize).toBe(5);
  });
  it('rejects a bad signature, an expired assertion and an unknown user', async () => {
    const exp = Math.floor(emu.org.clock.now() / 1000) + 300;
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const user = emu.users[0]!.username;
    expect(
      (
        await token({
          grant_type: grant,
          assertion: jwt({ iss: emu.clientId, sub: user, aud: emu.loginUrl, exp }, other),
        })
      ).body.error,
    ).toBe('invalid_grant');
    expect(
      (await token({ grant_type: grant, assertion: jwt({ iss: emu.clientId, sub: user, aud: emu.loginUrl, exp: 1 }) }))
        .body.error,
    ).toBe('invalid_grant');
    expect(
      (
        await token({
          grant_type: grant,
          assertion: jwt({ iss: emu.clientId, sub: 'nobody@x', aud: emu.loginUrl, exp }),
        })
      ).body.error,
    ).toBe('invalid_grant');
  });
});

describe('platform events and control', () => {
  it('publishes platform events through REST, validated against the event fields', async () => {
    // `raw` calls as the integration user: an event it has create permission on (Audience_Status__e).
    const integration = emu.users.find((u) => u.role === 'integration')!.id;
    const ev = emu.org.catalog
      .listObjects()
      .find((o) => o.kind === 'platformEvent' && emu.org.mayPublish(integration, o.name));
    if (!ev) return;
    const got: PlatformEventPublished[] = [];
    const off = emu.context.events.onPlatformEvent((e) => got.push(e));
    const field = ev.fields.find((f) => f.name.endsWith('__c') && f.type === 'string');
    const r = await raw(
      emu,
      'POST',
      `/services/data/v62.0/sobjects/${ev.name}`,
      field ? { [field.name]: 'hello' } : {},
    );
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ success: true, errors: [] });
    expect(got).toHaveLength(1);
    expect(got[0]!.payload.CreatedDate).toMatch(/Z$/);
    const bad = await raw(emu, 'POST', `/services/data/v62.0/sobjects/${ev.name}`, { Nope__c: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body[0].errorCode).toBe('INVALID_FIELD');
    off();
  });

  it('reset and seed through the control endpoint', async () => {
    const seeded = await control(emu, '/seed', { seed: 50 });
    expect(seeded.seeded).toEqual({ accounts: 5, contacts: 50, leads: 10 });
    expect((await connect(emu).query('SELECT COUNT() FROM Contact')).totalSize).toBe(50);
    await control(emu, '/reset', { seed: 'none' });
    expect((await connect(emu).query('SELECT COUNT() FROM Contact')).totalSize).toBe(0);
    expect((await connect(emu).query('SELECT COUNT() FROM User WHERE IsActive = true')).totalSize).toBe(4);
  });

  it('advances the clock for date literals', async () => {
    const c = connect(emu);
    const { id } = (await c.sobject('Account').create({ Name: 'Old' })) as any;
    await control(emu, '/clock/advance', { days: 10 });
    const { accessToken } = await control(emu, '/tokens', { role: 'integration' });
    const c2 = connect(emu, accessToken);
    expect(
      (await c2.query(`SELECT Id FROM Account WHERE Id = '${id}' AND CreatedDate = LAST_N_DAYS:7`)).totalSize,
    ).toBe(0);
    expect(
      (await c2.query(`SELECT Id FROM Account WHERE Id = '${id}' AND CreatedDate = LAST_N_DAYS:14`)).totalSize,
    ).toBe(1);
  });
});

describe('CLI entry', () => {
  it('prints exactly one JSON line when ready and stops on SIGTERM', { timeout: 60_000 }, async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/emulators/salesforce/cli.ts', '--port', '0', '--seed', 'none', '--no-control'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.resume();
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('not ready')), 50_000);
      child.stdout.on('data', () => {
        if (out.includes('\n')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    const info = JSON.parse(out.trim());
    expect(Object.keys(info).sort()).toEqual([
      'accessToken',
      'clientId',
      'clientSecret',
      'instanceUrl',
      'loginUrl',
      'orgId',
      'pubSubEndpoint',
      'users',
    ]);
    expect(info.users.map((u: { role: string }) => u.role).sort()).toEqual(['admin', 'integration', 'rep', 'rep']);
    const ctl = await fetch(`${info.instanceUrl}/__emulator/counters`);
    expect(ctl.status).toBe(404);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
  });
});
