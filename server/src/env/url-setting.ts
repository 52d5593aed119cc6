import { isIP } from 'node:net';
import { z } from 'zod';

/** Loopback hosts, the only ones a plain-http URL may name: nothing else on the wire sees what it carries. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/**
 * Why a URL setting is refused, or undefined when it is fine: only `https:`, or `http:` to a loopback host (the
 * emulator, a local fake). Anything else (`javascript:`, `ftp:`, http to another host) would send keys and
 * tokens where they do not belong, or not work at all.
 */
export function urlSettingProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL such as https://example.com';
  }
  if (url.protocol === 'https:') return url.hostname === '' ? 'must name a host' : undefined;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname)
      ? undefined
      : `must use https (http is allowed only for localhost, 127.0.0.0/8 and ::1), got http://${url.hostname}`;
  }
  return `must use https (or http to a loopback host), got ${url.protocol}`;
}

/** A URL setting under `urlSettingProblem`'s rule; the message names the variable through the issue path. */
export const urlSetting = z.string().superRefine((value, ctx) => {
  const problem = urlSettingProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * A secret setting: '' counts as unset (like every variable), but a value of only spaces is a mistake (a quoted
 * blank in a .env file, a template not filled in) and is refused rather than silently treated as unset.
 */
export const notOnlySpaces = (name: string) =>
  z.string().refine((value) => value.trim() !== '', `is only spaces; set a real ${name} or leave it empty to unset it`);

/** HOST: an IP address or a host name to listen on. */
export const hostSetting = z
  .string()
  .refine(
    (value) => isIP(value) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(value),
    'must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name',
  );
