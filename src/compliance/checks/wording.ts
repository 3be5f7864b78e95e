/**
 * @module compliance/checks/wording
 * How the live checks say what they found: lists of names kept short, counts with their noun,
 * durations and dates in the units people read, bounded lists for the evidence, and a result
 * built from the problems found (none: pass).
 */
import type { CheckResult } from './check.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Project statuses whose cluster holds the data now (the others are being made or are gone). */
export const IN_SERVICE = ['running', 'suspended'] as const;

/** `'a', 'b' and 'c'`, or the first `max` and how many more. */
export function listed(names: string[], max = 5): string {
  return listOf(
    names.map((n) => `'${n}'`),
    max,
  );
}

/** "a", "a and b", "a, b and c", or "a, b, c, d, e and 4 more" past `max` items (as given, unquoted). */
export function listOf(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A duration as people read it: minutes under two hours, hours under three days, then days. */
export function duration(ms: number): string {
  if (ms < 2 * HOUR) return plural(Math.max(0, Math.floor(ms / MINUTE)), 'minute');
  if (ms < 3 * DAY) return plural(Math.floor(ms / HOUR), 'hour');
  return plural(Math.floor(ms / DAY), 'day');
}

export const iso = (d: Date | string | null | undefined): string | null =>
  d ? new Date(d).toISOString() : null;

/** A day as a person reads it: 2026-12-07. */
export { dayOf as day } from '../days.js';

/** Whole days from `from` to `to`, rounded down. */
export const daysBetween = (from: Date, to: Date): number =>
  Math.floor((to.getTime() - from.getTime()) / DAY);

/** How many entries of a list the evidence keeps; its count is kept beside it. */
export const EVIDENCE_LIST_MAX = 50;

/** The first EVIDENCE_LIST_MAX entries: enough to act on, bounded whatever the org's size. */
export const firstOf = <T>(items: readonly T[]): T[] => items.slice(0, EVIDENCE_LIST_MAX);

/**
 * The result of a check: failing with every problem (each already says what to do), or passing
 * with `holds`.
 */
export function verdict(problems: string[], holds: string, evidence: Record<string, unknown>): CheckResult {
  if (problems.length > 0) return { outcome: 'fail', message: problems.join('; '), evidence };
  return { outcome: 'pass', message: holds, evidence };
}
