/**
 * @module gateway/subjects/shape
 * What accounting of access needs from a statement's parse tree: the tables it names (with their
 * aliases), its equality comparisons of a column with parameters (`col = $1`, `$1 = col`,
 * `col IN ($1, $2)`, `col = ANY($1)`, `col = ANY(ARRAY[$1, $2])`, a cast on the parameter
 * allowed), and for `COPY … TO` which columns it sends in which order. Read from the normalized
 * text (literals are parameters there, so the shape is the same for every value), once per
 * distinct normalized text: the normalizer caches one StatementInfo per text, and the shape is
 * kept beside it. Only sessions of projects that declare subject keys ask.
 */
import { parseSync } from 'libpg-query';
import type { StatementInfo } from '../statements/normalizer.js';

export interface Relation {
  schema: string | undefined;
  name: string;
  alias: string | undefined;
}

/** A column as a statement names it: [column], [table, column] or [schema, table, column]. */
export type ColumnName = string[];

export interface Equality {
  column: ColumnName;
  params: number[];
  /** `= ANY($n)`: the parameter is an array of values. */
  array: boolean;
}

export interface CopyShape {
  relation: Relation;
  /** The columns sent, in order; `*` for every column of the table in its order. */
  columns: ColumnName[] | '*';
  format: 'text' | 'csv' | 'binary';
  delimiter: string | undefined;
}

export interface Shape {
  relations: Relation[];
  equalities: Equality[];
  copy: CopyShape | undefined;
}

const EMPTY: Shape = { relations: [], equalities: [], copy: undefined };
const shapes = new WeakMap<StatementInfo, Shape>();

type Node = Record<string, unknown>;
const obj = (v: unknown): Node | undefined => (v && typeof v === 'object' ? (v as Node) : undefined);

function str(v: unknown): string | undefined {
  return obj(obj(v)?.String)?.sval as string | undefined;
}

function columnName(v: unknown): ColumnName | undefined {
  const fields = obj(obj(v)?.ColumnRef)?.fields;
  if (!Array.isArray(fields)) return undefined;
  const parts = fields.map(str);
  return parts.every((p) => p !== undefined) ? (parts as string[]) : undefined;
}

function param(v: unknown): number | undefined {
  const n = obj(v);
  const p = obj(n?.ParamRef)?.number;
  if (typeof p === 'number') return p;
  const cast = obj(n?.TypeCast)?.arg;
  return cast ? param(cast) : undefined;
}

function relation(v: unknown): Relation | undefined {
  const r = obj(v);
  if (!r || typeof r.relname !== 'string') return undefined;
  return {
    schema: typeof r.schemaname === 'string' ? r.schemaname : undefined,
    name: r.relname,
    alias: obj(r.alias)?.aliasname as string | undefined,
  };
}

function equality(e: Node): Equality | undefined {
  const op = (e.name as unknown[] | undefined)?.map(str);
  if (op?.length !== 1 || op[0] !== '=') return undefined;
  const kind = e.kind;
  if (kind === 'AEXPR_OP') {
    const [col, p] = columnName(e.lexpr)
      ? [columnName(e.lexpr), param(e.rexpr)]
      : [columnName(e.rexpr), param(e.lexpr)];
    return col && p !== undefined ? { column: col, params: [p], array: false } : undefined;
  }
  const col = columnName(e.lexpr);
  if (!col) return undefined;
  if (kind === 'AEXPR_IN') {
    const items = obj(obj(e.rexpr)?.List)?.items;
    const params = Array.isArray(items) ? items.map(param).filter((p): p is number => p !== undefined) : [];
    return params.length ? { column: col, params, array: false } : undefined;
  }
  if (kind === 'AEXPR_OP_ANY') {
    const single = param(e.rexpr);
    if (single !== undefined) return { column: col, params: [single], array: true };
    const elements = obj(obj(e.rexpr)?.A_ArrayExpr)?.elements;
    const params = Array.isArray(elements)
      ? elements.map(param).filter((p): p is number => p !== undefined)
      : [];
    return params.length ? { column: col, params, array: false } : undefined;
  }
  return undefined;
}

function copyShape(c: Node): CopyShape | undefined {
  if (c.is_from === true) return undefined;
  let format: CopyShape['format'] = 'text';
  let delimiter: string | undefined;
  for (const o of (c.options as unknown[] | undefined) ?? []) {
    const d = obj(obj(o)?.DefElem);
    const value = str(d?.arg);
    if (d?.defname === 'format' && (value === 'csv' || value === 'binary' || value === 'text'))
      format = value;
    if (d?.defname === 'delimiter') delimiter = value;
  }
  const rel = relation(c.relation);
  if (rel) {
    const list = c.attlist as unknown[] | undefined;
    return {
      relation: rel,
      columns: list?.length ? list.map((a) => [str(a) ?? '']) : '*',
      format,
      delimiter,
    };
  }
  const select = obj(obj(c.query)?.SelectStmt);
  const from = select?.fromClause as unknown[] | undefined;
  const only = from?.length === 1 ? relation(obj(from[0])?.RangeVar) : undefined;
  if (!select || !only) return undefined;
  const targets = (select.targetList as unknown[] | undefined) ?? [];
  const columns: ColumnName[] = [];
  for (const t of targets) {
    const val = obj(obj(t)?.ResTarget)?.val;
    const fields = obj(obj(val)?.ColumnRef)?.fields as unknown[] | undefined;
    if (targets.length === 1 && fields?.length === 1 && obj(fields[0])?.A_Star)
      return { relation: only, columns: '*', format, delimiter };
    columns.push(columnName(val) ?? ['']);
  }
  return { relation: only, columns, format, delimiter };
}

function walk(node: unknown, out: Shape): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, out);
    return;
  }
  const n = obj(node);
  if (!n) return;
  for (const [k, v] of Object.entries(n)) {
    if (k === 'RangeVar') {
      const r = relation(v);
      if (r) out.relations.push(r);
    } else if (k === 'A_Expr') {
      const e = obj(v);
      const eq = e && equality(e);
      if (eq) out.equalities.push(eq);
    } else if (k === 'CopyStmt') {
      const c = obj(v);
      const copy = c && copyShape(c);
      if (copy) {
        out.copy = copy;
        out.relations.push(copy.relation);
      }
    }
    walk(v, out);
  }
}

/** The statement's shape, parsed once per distinct normalized text. */
export function shapeOf(info: StatementInfo): Shape {
  let shape = shapes.get(info);
  if (shape) return shape;
  if (!info.normalized || !info.command) shape = EMPTY;
  else {
    try {
      shape = { relations: [], equalities: [], copy: undefined };
      walk(parseSync(info.normalized), shape);
    } catch {
      shape = EMPTY;
    }
  }
  shapes.set(info, shape);
  return shape;
}
