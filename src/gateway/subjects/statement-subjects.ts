/**
 * @module gateway/subjects/statement-subjects
 * One statement's subjects: the identifiers its predicate names (known when it arrives, from its
 * literals or bound parameters) and those its result rows return in a declared column, kept
 * normalized in memory only until the statement ends, then hashed once each (the org's
 * tokenizer) into the tokens its events carry. Rows that carry no identifier, in a statement that
 * named none, are counted as uncovered: a result set without a declared column counts by its
 * command tag, never row by row.
 */
import type { PlanColumn } from '../../accounting/index.js';
import { type CopyPlan, copySubjects, type RowPlan, rowSubjects } from './rows.js';
import type { KeyEquality, SessionSubjects } from './session-subjects.js';
import { type BindValues, binaryArray, formatOf, literalValue, readValue, textArray } from './values.js';

/** From this many subjects a statement is a bulk read (an alert rule can see the flag). */
export const BULK_READ_SUBJECTS = 10_000;
/** Distinct subjects one statement tracks at most (memory); past it the event says so. */
const MAX_TRACKED = 5_000_000;

/** A portal's subject state: what its Bind named, and the plan of its rows once described. */
export interface PortalSubjects {
  named: Set<string>;
  resultFormats: number[];
  /** From a Describe of the portal: the plan, or null for no declared column. */
  plan?: RowPlan | null;
  /** From a Describe of its statement: the description, read with the Bind's result formats. */
  statementDescription?: () => Buffer | undefined;
}

export class StatementSubjects {
  named = new Set<string>();
  readonly returned = new Set<string>();
  /** The id given to the statement's event, so its outcome can point at it. */
  eventId: string | undefined;
  private plan: RowPlan | null | undefined;
  private described = false;
  private copyState: { headerSeen: boolean } | undefined;
  private copyOut = false;
  private coveredRows = 0;
  private plannedUncovered = 0;
  private unplannedRows = 0;
  private truncated = false;

  constructor(
    readonly session: SessionSubjects,
    readonly copy: CopyPlan | undefined,
    readonly portal?: PortalSubjects,
  ) {
    if (portal) this.named = portal.named;
  }

  rowDescription(body: Buffer): void {
    this.plan = this.session.describe(body);
    this.described = true;
  }

  dataRow(body: Buffer): void {
    if (this.plan === undefined && this.portal) {
      const p = this.portal;
      if (p.plan === undefined) {
        const desc = p.statementDescription?.();
        p.plan = desc ? this.session.describe(desc, p.resultFormats) : undefined;
      }
      this.plan = p.plan ?? null;
      this.described = p.plan !== undefined;
    }
    if (!this.plan) return;
    if (this.returned.size >= MAX_TRACKED) {
      this.truncated = true;
      return;
    }
    if (rowSubjects(body, this.plan, this.returned, this.session.norm)) this.coveredRows++;
    else this.plannedUncovered++;
  }

  copyOutStarted(): void {
    this.copyOut = true;
    if (this.copy) this.copyState = { headerSeen: false };
  }

  copyData(body: Buffer): void {
    if (!this.copy || !this.copyState) return;
    const r = copySubjects(body, this.copy, this.returned, this.session.norm, this.copyState);
    this.coveredRows += r.rows - r.uncovered;
    this.plannedUncovered += r.uncovered;
  }

  /** A result set ended (CommandComplete): rows not read one by one count by the tag. */
  resultDone(tag: string, rows: number | null): void {
    const planned = this.plan || (this.copyOut && this.copyState);
    if (
      !planned &&
      rows &&
      (this.described || this.copyOut || tag.startsWith('SELECT') || tag.startsWith('FETCH'))
    )
      this.unplannedRows += rows;
    if (!this.portal) this.plan = undefined;
    this.described = false;
    this.copyOut = false;
    this.copyState = undefined;
  }

  /** Rows returned with no subject determined (none when the predicate named the subjects). */
  get uncoveredRows(): number {
    return this.named.size > 0 ? 0 : this.plannedUncovered + this.unplannedRows;
  }

  /** Whether the statement returned rows at all (the outcome then says how many were uncovered). */
  get returnedRows(): boolean {
    return this.coveredRows + this.plannedUncovered + this.unplannedRows > 0;
  }

  get wasTruncated(): boolean {
    return this.truncated;
  }

  /** The tokens of a set of normalized identifiers, packed. */
  tokens(values: Set<string>): Buffer {
    return this.session.plan.token.packed(values, values.size);
  }
}

/** The identifiers a statement's comparisons name, from its literals or bound parameters. */
export function namedValues(
  equalities: KeyEquality[],
  session: SessionSubjects,
  literals: { base: number; raw: string[]; standardStrings: boolean } | undefined,
  bind: BindValues | undefined,
): Set<string> {
  const out = new Set<string>();
  const add = (v: string | undefined, col: PlanColumn) => {
    if (v === undefined) return;
    const s = session.norm(v, col);
    if (s !== '') out.add(s);
  };
  // Literal k of the text is $base+k; every other $n is a bound parameter. A text without
  // literals has none to give (parseLiterals), so all its $n are bound.
  const base = literals?.base ?? Number.POSITIVE_INFINITY;
  for (const eq of equalities)
    for (const n of eq.params) {
      if (literals && n > base) {
        const raw = literals.raw[n - base - 1];
        const v = raw === undefined ? undefined : literalValue(raw, literals.standardStrings);
        if (eq.array && v !== undefined) for (const x of textArray(v)) add(x, eq.col);
        else add(v, eq.col);
        continue;
      }
      const value = bind?.values[n - 1];
      if (!value || !bind) continue;
      const binary = formatOf(bind.formats, n - 1) === 1;
      if (eq.array) {
        for (const x of binary ? binaryArray(value) : textArray(value.toString('utf8'))) add(x, eq.col);
      } else add(readValue(value, 0, value.length, binary, eq.col.typeOid), eq.col);
    }
  return out;
}
