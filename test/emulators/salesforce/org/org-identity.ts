/**
 * Who the org is: its id and the suffix its usernames carry, both derived from a key (by default the seed), so one
 * seed always gives the same org and two orgs with different keys never share a username — the Salesforce CLI
 * keys its aliases and auth files by username.
 */
import { createHash } from 'node:crypto';
import { to18 } from './ids';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export interface OrgIdentity {
  orgId: string;
  /** Six lower-case hex characters, e.g. `3fa9c1`. */
  usernameSuffix: string;
}

export function orgIdentity(key: string): OrgIdentity {
  const hash = createHash('sha256').update(`audience-loop-emulator:${key}`).digest();
  const body = [...hash.subarray(0, 10)].map((b) => BASE62[b % 62]).join('');
  return { orgId: to18(`00DHs${body}`), usernameSuffix: hash.subarray(10, 13).toString('hex') };
}

/** `admin@audience-loop.demo` → `admin-3fa9c1@audience-loop.demo`. */
export function orgUsername(baseUsername: string, suffix: string): string {
  const at = baseUsername.indexOf('@');
  return `${baseUsername.slice(0, at)}-${suffix}${baseUsername.slice(at)}`;
}
