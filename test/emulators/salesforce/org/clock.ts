import type { OrgClock } from '../org-contract';

/** Real time plus every advance so far; `startAt` pins the starting point (deterministic tests). */
export class Clock implements OrgClock {
  private offset = 0;

  constructor(startAt?: number) {
    if (startAt !== undefined) this.offset = startAt - Date.now();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('advance needs a non-negative number of ms');
    this.offset += ms;
  }
}

/** Record audit timestamps are stored in whole seconds, as every real org's records show (`…16.000+0000`). */
export function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** REST format: `2021-04-08T18:39:16.000+0000`. */
export function formatRestDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** CometD/ISO format: `2021-04-08T18:39:16.000Z`. */
export function formatIsoDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Parses a Salesforce datetime (`…Z`, `…+0000`, `…+00:00`, or a bare date); undefined when invalid. */
export function parseDateTime(value: string): number | undefined {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      value.trim(),
    );
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', tz = 'Z'] = m;
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s, +frac.padEnd(3, '0'));
  if (Number.isNaN(ms)) return undefined;
  const check = new Date(Date.UTC(+y!, +mo! - 1, +d!));
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d!) return undefined;
  let offsetMin = 0;
  if (tz !== 'Z') {
    const t = /^([+-])(\d{2}):?(\d{2})$/.exec(tz)!;
    offsetMin = (t[1] === '-' ? -1 : 1) * (+t[2]! * 60 + +t[3]!);
  }
  return ms - offsetMin * 60_000;
}

/** Parses `YYYY-MM-DD` (a datetime is cut to its date); undefined when invalid. */
export function parseDate(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!m) return undefined;
  const ms = parseDateTime(m[0]);
  return ms === undefined ? undefined : m[0];
}
