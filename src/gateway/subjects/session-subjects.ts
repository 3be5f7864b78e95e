/**
 * @module gateway/subjects/session-subjects
 * A session's view of its project's subject keys: the declared columns by (table OID, attribute
 * number) for result rows and by table name for predicates and COPY, with what each session
 * works out once: a plan per distinct RowDescription, and per distinct statement shape which
 * of its comparisons and COPY columns are declared keys. Built only for projects that declare a
 * key; every other session has none and pays nothing.
 */
import { normalizeSubject, type PlanColumn, type SubjectPlan } from '../../accounting/index.js';
import type { StatementInfo } from '../statements/normalizer.js';
import { type CopyPlan, type RowPlan, rowPlan } from './rows.js';
import { type ColumnName, type Relation, shapeOf } from './shape.js';

/** A comparison of a declared column with parameters, resolved. */
export interface KeyEquality {
  col: PlanColumn;
  params: number[];
  array: boolean;
}

export interface Resolved {
  equalities: KeyEquality[];
  copy: CopyPlan | undefined;
}

const NOTHING: Resolved = { equalities: [], copy: undefined };
const CACHE = 2_000;

export class SessionSubjects {
  private readonly byOid = new Map<number, Map<number, PlanColumn>>();
  private readonly byTable = new Map<string, PlanColumn[]>();
  private rowPlans = new Map<string, RowPlan | null>();
  private resolved = new Map<StatementInfo, Resolved>();

  constructor(
    readonly plan: SubjectPlan,
    /** The session's project role: who read is recorded with their role then. */
    readonly role: string,
  ) {
    for (const c of plan.columns) {
      const m = this.byOid.get(c.tableOid) ?? new Map<number, PlanColumn>();
      this.byOid.set(c.tableOid, m);
      m.set(c.attnum, c);
      const t = `${c.schema}.${c.table}`;
      this.byTable.set(t, [...(this.byTable.get(t) ?? []), c]);
    }
  }

  readonly find = (tableOid: number, attnum: number): PlanColumn | undefined =>
    this.byOid.get(tableOid)?.get(attnum);
  readonly norm = (v: string, c: PlanColumn): string => normalizeSubject(v, c.rule);

  /** The plan of a RowDescription (with the Bind's result formats when it described a statement). */
  describe(body: Buffer, resultFormats?: number[]): RowPlan | null {
    if (resultFormats) return rowPlan(body, this.find, resultFormats);
    const key = body.toString('latin1');
    let plan = this.rowPlans.get(key);
    if (plan === undefined) {
      plan = rowPlan(body, this.find);
      if (this.rowPlans.size >= CACHE) this.rowPlans = new Map();
      this.rowPlans.set(key, plan);
    }
    return plan;
  }

  /** Which of a statement's comparisons and COPY columns are declared keys (once per shape). */
  resolve(info: StatementInfo): Resolved {
    let r = this.resolved.get(info);
    if (r) return r;
    const shape = shapeOf(info);
    r = NOTHING;
    if (shape.equalities.length > 0 || shape.copy) {
      const equalities: KeyEquality[] = [];
      for (const eq of shape.equalities) {
        const col = this.column(eq.column, shape.relations);
        if (col) equalities.push({ col, params: eq.params, array: eq.array });
      }
      const copy = shape.copy ? this.copyPlan(shape.copy) : undefined;
      if (equalities.length > 0 || copy) r = { equalities, copy };
    }
    if (this.resolved.size >= CACHE) this.resolved = new Map();
    this.resolved.set(info, r);
    return r;
  }

  private columnsOf(rel: Relation): PlanColumn[] {
    return this.byTable.get(`${rel.schema ?? 'public'}.${rel.name}`) ?? [];
  }

  /** The declared column a name refers to, when the statement's tables make it unambiguous. */
  private column(name: ColumnName, relations: Relation[]): PlanColumn | undefined {
    const column = name[name.length - 1] as string;
    if (name.length === 1) {
      const found = new Set<PlanColumn>();
      for (const rel of relations) for (const c of this.columnsOf(rel)) if (c.column === column) found.add(c);
      return found.size === 1 ? [...found][0] : undefined;
    }
    const table = name[name.length - 2] as string;
    const schema = name.length === 3 ? name[0] : undefined;
    const rel = relations.find((r) =>
      r.alias !== undefined
        ? r.alias === table && schema === undefined
        : r.name === table && (schema === undefined || (r.schema ?? 'public') === schema),
    );
    const cols = rel ? this.columnsOf(rel) : (this.byTable.get(`${schema ?? 'public'}.${table}`) ?? []);
    return cols.find((c) => c.column === column);
  }

  private copyPlan(copy: NonNullable<ReturnType<typeof shapeOf>['copy']>): CopyPlan | undefined {
    const cols = this.columnsOf(copy.relation);
    if (cols.length === 0) return undefined;
    const plan: CopyPlan = {
      positions: [],
      cols: [],
      format: copy.format,
      delimiter: copy.delimiter ?? (copy.format === 'csv' ? ',' : '\t'),
    };
    if (copy.columns === '*') {
      for (const c of cols) {
        plan.positions.push(c.copyIndex);
        plan.cols.push(c);
      }
    } else
      copy.columns.forEach((name, k) => {
        const c = cols.find((x) => x.column === name[name.length - 1]);
        if (c) {
          plan.positions.push(k);
          plan.cols.push(c);
        }
      });
    return plan.cols.length > 0 ? plan : undefined;
  }
}
