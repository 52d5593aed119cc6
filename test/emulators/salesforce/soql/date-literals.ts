/** SOQL date literals as UTC ranges [start, end) in epoch ms on the org clock. */
const DAY = 86_400_000;

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function startOfWeek(ms: number): number {
  const d = startOfDay(ms);
  const dow = new Date(d).getUTCDay(); // Sunday = 0, Salesforce's default week start (en_US)
  return d - dow * DAY;
}

function monthStart(ms: number, add = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1);
}

function quarterStart(ms: number, add = 0): number {
  const d = new Date(ms);
  const q = Math.floor(d.getUTCMonth() / 3);
  return Date.UTC(d.getUTCFullYear(), (q + add) * 3, 1);
}

function yearStart(ms: number, add = 0): number {
  return Date.UTC(new Date(ms).getUTCFullYear() + add, 0, 1);
}

export function dateLiteralRange(literal: string, n: number | undefined, now: number): [number, number] | undefined {
  const today = startOfDay(now);
  const k = n ?? 0;
  switch (literal.toUpperCase().replace(/:.*$/, '')) {
    case 'YESTERDAY':
      return [today - DAY, today];
    case 'TODAY':
      return [today, today + DAY];
    case 'TOMORROW':
      return [today + DAY, today + 2 * DAY];
    case 'LAST_WEEK':
      return [startOfWeek(now) - 7 * DAY, startOfWeek(now)];
    case 'THIS_WEEK':
      return [startOfWeek(now), startOfWeek(now) + 7 * DAY];
    case 'NEXT_WEEK':
      return [startOfWeek(now) + 7 * DAY, startOfWeek(now) + 14 * DAY];
    case 'LAST_MONTH':
      return [monthStart(now, -1), monthStart(now)];
    case 'THIS_MONTH':
      return [monthStart(now), monthStart(now, 1)];
    case 'NEXT_MONTH':
      return [monthStart(now, 1), monthStart(now, 2)];
    case 'LAST_90_DAYS':
      return [today - 90 * DAY, today + DAY];
    case 'NEXT_90_DAYS':
      return [today + DAY, today + 91 * DAY];
    case 'LAST_QUARTER':
      return [quarterStart(now, -1), quarterStart(now)];
    case 'THIS_QUARTER':
      return [quarterStart(now), quarterStart(now, 1)];
    case 'NEXT_QUARTER':
      return [quarterStart(now, 1), quarterStart(now, 2)];
    case 'LAST_YEAR':
      return [yearStart(now, -1), yearStart(now)];
    case 'THIS_YEAR':
      return [yearStart(now), yearStart(now, 1)];
    case 'NEXT_YEAR':
      return [yearStart(now, 1), yearStart(now, 2)];
    case 'LAST_N_DAYS':
      return [today - k * DAY, today + DAY];
    case 'NEXT_N_DAYS':
      return [today + DAY, today + (k + 1) * DAY];
    case 'N_DAYS_AGO':
      return [today - k * DAY, today - (k - 1) * DAY];
    case 'N_DAYS_FROM_NOW':
      return [today + k * DAY, today + (k + 1) * DAY];
    case 'LAST_N_WEEKS':
      return [startOfWeek(now) - k * 7 * DAY, startOfWeek(now)];
    case 'NEXT_N_WEEKS':
      return [startOfWeek(now) + 7 * DAY, startOfWeek(now) + (k + 1) * 7 * DAY];
    case 'N_WEEKS_AGO':
      return [startOfWeek(now) - k * 7 * DAY, startOfWeek(now) - (k - 1) * 7 * DAY];
    case 'LAST_N_MONTHS':
      return [monthStart(now, -k), monthStart(now)];
    case 'NEXT_N_MONTHS':
      return [monthStart(now, 1), monthStart(now, k + 1)];
    case 'N_MONTHS_AGO':
      return [monthStart(now, -k), monthStart(now, -k + 1)];
    case 'LAST_N_YEARS':
      return [yearStart(now, -k), yearStart(now)];
    case 'NEXT_N_YEARS':
      return [yearStart(now, 1), yearStart(now, k + 1)];
    case 'N_YEARS_AGO':
      return [yearStart(now, -k), yearStart(now, -k + 1)];
    case 'LAST_N_QUARTERS':
      return [quarterStart(now, -k), quarterStart(now)];
    case 'NEXT_N_QUARTERS':
      return [quarterStart(now, 1), quarterStart(now, k + 1)];
    default:
      return undefined;
  }
}
