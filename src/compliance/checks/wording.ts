/**
 * @module compliance/checks/wording
 * How the people checks word what they found: lists of names that stay readable however long
 * the list, counts with their noun, and dates as a person reads them.
 */

/** "a", "a and b", "a, b and c", or "a, b, c, d, e and 4 more" past `max` items. */
export function listOf(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/** "1 member", "3 members". */
export const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A day as a person reads it: 2026-12-07. */
export const day = (d: Date): string => d.toISOString().slice(0, 10);

/** Whole days from `from` to `to`, rounded down. */
export const daysBetween = (from: Date, to: Date): number =>
  Math.floor((to.getTime() - from.getTime()) / 86_400_000);

export const DAY_MS = 86_400_000;

/** How many entries of a list the evidence keeps; its count is kept beside it. */
export const EVIDENCE_LIST_MAX = 50;

/** The first EVIDENCE_LIST_MAX entries: enough to act on, bounded whatever the org's size. */
export const firstOf = <T>(items: readonly T[]): T[] => items.slice(0, EVIDENCE_LIST_MAX);
