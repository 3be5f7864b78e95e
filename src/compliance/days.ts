/**
 * @module compliance/days
 * Calendar days as the compliance center keeps them: UTC, 'YYYY-MM-DD' (snapshots, review dates,
 * effective dates), and the window of history the chart and the report show.
 */

/** How many days of snapshots the posture and the report carry. */
export const HISTORY_DAYS = 90;

/** The UTC calendar day of `d`, as 'YYYY-MM-DD'. */
export const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

/** The first day of the history window that ends on `now`'s day. */
export const historyFrom = (now: Date): string =>
  dayOf(new Date(now.getTime() - (HISTORY_DAYS - 1) * 86_400_000));
