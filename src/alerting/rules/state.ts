/**
 * @module alerting/rules/state
 * What the rules remember between events of one chain, as plain JSON (kept in
 * alert_chain_state with the seq it is true after): failures per account and per address,
 * rows per person and project in minute buckets, the day each person was last alerted for
 * off-hours access, and the networks each person was seen from.
 */

/** One failure: when (ms), its seq and event id. */
export type Hit = [number, number, string];

export interface Counter {
  hits: Hit[];
  /** No new alert for this key before this time (ms): one alert per burst. */
  quiet: number;
}

export interface RowWindow {
  /** [minute start ms, rows] oldest first. */
  b: [number, number][];
  total: number;
  quiet: number;
}

export interface RuleState {
  fail: Record<string, Counter>;
  rows: Record<string, RowWindow>;
  days: Record<string, string>;
  nets: Record<string, string[]>;
  /** Quiet-until per key for one-event rules that could storm (audit_unavailable per project). */
  quiet: Record<string, number>;
  /** The latest event time seen (ms), for pruning. */
  t: number;
}

/** Networks remembered per person: the most recent ones. */
export const MAX_NETWORKS = 64;

export function emptyState(): RuleState {
  return { fail: {}, rows: {}, days: {}, nets: {}, quiet: {}, t: 0 };
}

/** A state read back from JSON, with any part missing filled in. */
export function stateFrom(json: unknown): RuleState {
  const s = (json ?? {}) as Partial<RuleState>;
  return {
    fail: s.fail ?? {},
    rows: s.rows ?? {},
    days: s.days ?? {},
    nets: s.nets ?? {},
    quiet: s.quiet ?? {},
    t: s.t ?? 0,
  };
}

/** Drops what no window can still need (older than `keepMs` before the latest event). */
export function prune(s: RuleState, keepMs: number): void {
  const floor = s.t - keepMs;
  for (const [k, c] of Object.entries(s.fail)) {
    c.hits = c.hits.filter((h) => h[0] >= floor);
    if (c.hits.length === 0 && c.quiet < s.t) delete s.fail[k];
  }
  for (const [k, w] of Object.entries(s.rows)) {
    while (w.b.length && (w.b[0] as [number, number])[0] < floor)
      w.total -= (w.b.shift() as [number, number])[1];
    if (w.b.length === 0 && w.quiet < s.t) delete s.rows[k];
  }
  for (const [k, until] of Object.entries(s.quiet)) if (until < s.t) delete s.quiet[k];
}
