/**
 * @module incidents/days
 * Calendar days as 'YYYY-MM-DD' strings, counted in UTC: the Breach Notification Rule counts
 * calendar days, with no weekend or holiday extension, so no time zone or business-day logic.
 */

const DAY_MS = 86_400_000;
const SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day written as YYYY-MM-DD (2027-02-29 is not one). */
export function isDay(value: string): boolean {
  if (!SHAPE.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === value;
}

export const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

/** `day` plus `n` calendar days (n may be negative). */
export function addDays(day: string, n: number): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The last day of `day`'s calendar year. */
export const yearEnd = (day: string): string => `${day.slice(0, 4)}-12-31`;

export const laterOf = (a: string, b: string): string => (a >= b ? a : b);
export const earlierOf = (a: string, b: string): string => (a <= b ? a : b);
