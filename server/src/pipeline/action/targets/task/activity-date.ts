/**
 * The due date (`YYYY-MM-DD`) `dayOffset` days after `at`, counted in the owner's time zone: a Task created at
 * 23:30 UTC for an owner in Los Angeles is due on the owner's calendar day, not UTC's.
 */
export function activityDate(at: string, dayOffset: number, timeZone: string): string {
  let local: string;
  try {
    local = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      new Date(at),
    );
  } catch {
    // An unknown zone name: the UTC day is the honest fallback.
    local = new Date(at).toISOString().slice(0, 10);
  }
  const day = new Date(`${local}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + dayOffset);
  return day.toISOString().slice(0, 10);
}
