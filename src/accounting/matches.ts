/**
 * @module accounting/matches
 * Where a statement event names subjects (see docs/audit-events.md): `details.subjects.named`
 * on a `db.statement` (identifiers compared with a declared column in its predicate, known when
 * it arrived) and `details.subjects.returned` on a `db.statement.result` (identifiers returned in
 * a declared column), each the event's tokens packed end to end in base64.
 */
import { TOKEN_BYTES } from './tokens.js';

export interface SubjectsDetail {
  named?: string;
  returned?: string;
  count?: number;
  role?: string;
  statement_id?: string;
  uncovered_rows?: number;
}

export function subjectsOf(details: unknown): SubjectsDetail | undefined {
  const s = (details as { subjects?: unknown } | null)?.subjects;
  return s && typeof s === 'object' ? (s as SubjectsDetail) : undefined;
}

/** Whether the packed base64 run holds any of `tokens`. */
export function holdsAny(packed: string | undefined, tokens: Buffer[]): boolean {
  if (!packed) return false;
  const run = Buffer.from(packed, 'base64');
  for (let i = 0; i + TOKEN_BYTES <= run.length; i += TOKEN_BYTES)
    for (const t of tokens) if (run.compare(t, 0, TOKEN_BYTES, i, i + TOKEN_BYTES) === 0) return true;
  return false;
}

/**
 * Text every event record holding `token` in a packed base64 run contains, one per alignment of
 * the token in the run (a token at byte 16k starts k mod 3 bytes into a base64 group): the
 * characters that depend on the token's bytes alone. A record without any is passed over unparsed.
 */
export function tokenHints(token: Buffer): Buffer[] {
  return [0, 1, 2].map((shift) => {
    const text = Buffer.concat([Buffer.alloc(shift), token, Buffer.alloc(2)]).toString('base64');
    const from = shift === 0 ? 0 : 4;
    const to = Math.floor((shift + TOKEN_BYTES) / 3) * 4;
    return Buffer.from(text.slice(from, to));
  });
}

/** Every token of a packed base64 run, as latin1 strings (set keys). */
export function tokenKeys(packed: string | undefined, into: Set<string>): void {
  if (!packed) return;
  const run = Buffer.from(packed, 'base64');
  for (let i = 0; i + TOKEN_BYTES <= run.length; i += TOKEN_BYTES)
    into.add(run.toString('latin1', i, i + TOKEN_BYTES));
}

/** `6y`, `90d`, `12h`, `30m` back from `now`. */
export function sinceDate(text: string, now = Date.now()): Date {
  const n = Number(text.slice(0, -1));
  const unit = text.slice(-1);
  const ms = { y: 365.25 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000 }[unit] ?? 0;
  return new Date(now - n * ms);
}
