/**
 * @module alerting/rules/hours
 * Whether a moment falls within an org's declared working hours, in its time zone.
 */

export interface WorkingHours {
  /** Minutes after local midnight: from `start` up to (not including) `end`. */
  start: number;
  end: number;
  /** ISO weekdays, 1 Monday … 7 Sunday. */
  days: number[];
  time_zone: string;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is one this runtime knows (IANA names such as America/Chicago). */
export function knownTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local day (YYYY-MM-DD) and whether `ms` is outside the hours. */
export function localMoment(ms: number, hours: WorkingHours): { day: string; outside: boolean } {
  const parts: Record<string, string> = {};
  for (const p of formatFor(hours.time_zone).formatToParts(ms)) parts[p.type] = p.value;
  const weekday = WEEKDAYS[parts.weekday ?? ''] ?? 0;
  const minute = Number(parts.hour) * 60 + Number(parts.minute);
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  const outside = !hours.days.includes(weekday) || minute < hours.start || minute >= hours.end;
  return { day, outside };
}
