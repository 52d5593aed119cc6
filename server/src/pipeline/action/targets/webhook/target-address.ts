import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (tests pass one that maps made-up names). */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const resolveWithDns: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

export type AddressCheck =
  { ok: true; url: URL; address: ResolvedAddress } | { ok: false; refused: boolean; message: string };

// Addresses a webhook must never reach: this host, its private networks, link-local (cloud metadata at
// 169.254.169.254), carrier-grade NAT, documentation, multicast and reserved ranges, and their IPv6 forms.
// Two lists: Node's BlockList also matches an IPv4 address against IPv4-mapped IPv6 rules, and the mapped range is
// refused whole for IPv6 below.
const FORBIDDEN_V4 = new BlockList();
const FORBIDDEN_V6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN_V4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  // IPv4-mapped and NAT64 forms would smuggle an IPv4 address past the list above.
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN_V6.addSubnet(network, prefix, 'ipv6');
}

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return family === 6 ? FORBIDDEN_V6.check(address, 'ipv6') : FORBIDDEN_V4.check(address, 'ipv4');
}

/**
 * Checks an admin-entered webhook URL and picks the address to connect to: https only, and every address the name
 * resolves to must be public — checked after resolution, so a name pointing at 127.0.0.1 or 10.x is refused too.
 * The caller connects to the returned address (pinned), so a second resolution cannot swap in another one (DNS
 * rebinding). `allowPrivate` (WEBHOOK_ALLOW_PRIVATE_TARGETS) lifts both rules for tests and the sandbox.
 */
export async function checkTargetAddress(
  rawUrl: string,
  options: { allowPrivate: boolean; resolve: ResolveHost },
): Promise<AddressCheck> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, refused: true, message: `"${rawUrl}" is not a URL` };
  }
  const httpAllowed = options.allowPrivate && url.protocol === 'http:';
  if (url.protocol !== 'https:' && !httpAllowed) {
    return { ok: false, refused: true, message: `webhook URLs must use https (got ${url.protocol.replace(':', '')})` };
  }
  if (url.username !== '' || url.password !== '') {
    return {
      ok: false,
      refused: true,
      message: 'webhook URLs must not carry credentials; the signature authenticates us',
    };
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  if (isIP(hostname) !== 0) {
    addresses = [{ address: hostname, family: isIP(hostname) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await options.resolve(hostname);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        ok: false,
        refused: false,
        message: `${hostname} does not resolve (${typeof code === 'string' ? code : 'DNS error'})`,
      };
    }
  }
  const [first] = addresses;
  if (first === undefined) return { ok: false, refused: false, message: `${hostname} has no address` };
  if (!options.allowPrivate) {
    const forbidden = addresses.find((entry) => isForbiddenAddress(entry.address));
    if (forbidden) {
      return {
        ok: false,
        refused: true,
        message: `${hostname} resolves to ${forbidden.address}, a private, loopback or link-local address`,
      };
    }
  }
  return { ok: true, url, address: first };
}
