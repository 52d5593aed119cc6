/* eslint-disable @typescript-eslint/no-explicit-any -- REST replies are inspected as loose JSON in tests */
import jsforce, { type Connection } from 'jsforce';
import { startSalesforceEmulator, type RunningEmulator, type SalesforceEmulatorOptions } from '../index';

export async function startEmu(options: SalesforceEmulatorOptions = {}): Promise<RunningEmulator> {
  return startSalesforceEmulator({ port: 0, seed: 'demo', ...options });
}

export function connect(emu: RunningEmulator, token = emu.accessToken, version = '62.0'): Connection {
  return new jsforce.Connection({ instanceUrl: emu.instanceUrl, accessToken: token, version });
}

export async function control(emu: RunningEmulator, path: string, body?: unknown, method = 'POST'): Promise<any> {
  const res = await fetch(`${emu.instanceUrl}/__emulator${path}`, {
    method: body === undefined && method === 'POST' ? 'POST' : method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

export async function raw(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${emu.instanceUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${emu.accessToken}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A new Audience__c: the master every Audience_Member__c needs (its master-detail is required, as in a real org). */
export async function createAudience(emu: RunningEmulator, name = 'Test audience'): Promise<string> {
  const res = await raw(emu, 'POST', '/services/data/v62.0/sobjects/Audience__c', { Name: name });
  if (res.status !== 201) throw new Error(`could not create Audience__c: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
