/**
 * @module gateway/subjects/rows
 * Result rows: a RowDescription is read once (per distinct description a session sees) into a
 * plan naming the fields that carry a declared column (table OID and attribute number) and how
 * to read each; a DataRow is then read only at those fields. A description with no declared
 * column gives no plan, and its rows cost nothing. COPY data rows (text, CSV, binary) are read
 * the same way at the positions the COPY statement's shape gives.
 */
import type { PlanColumn } from '../../accounting/index.js';
import { readValue } from './values.js';

export interface RowPlan {
  /** Field positions, ascending. */
  fields: number[];
  cols: PlanColumn[];
  binary: boolean[];
}

/** The plan of a RowDescription body, or null when no field is a declared column. */
export function rowPlan(
  body: Buffer,
  find: (tableOid: number, attnum: number) => PlanColumn | undefined,
  resultFormats?: number[],
): RowPlan | null {
  const n = body.readInt16BE(0);
  let at = 2;
  let plan: RowPlan | null = null;
  for (let k = 0; k < n; k++) {
    at = body.indexOf(0, at) + 1;
    const tableOid = body.readUInt32BE(at);
    const attnum = body.readInt16BE(at + 4);
    let format = body.readInt16BE(at + 16);
    at += 18;
    if (tableOid === 0) continue;
    const col = find(tableOid, attnum);
    if (!col) continue;
    if (resultFormats)
      format = resultFormats.length === 1 ? (resultFormats[0] as number) : (resultFormats[k] ?? 0);
    plan ??= { fields: [], cols: [], binary: [] };
    plan.fields.push(k);
    plan.cols.push(col);
    plan.binary.push(format === 1);
  }
  return plan;
}

/** Adds the row's identifiers (normalized) to `out`; false when the row carries none. */
export function rowSubjects(
  body: Buffer,
  plan: RowPlan,
  out: Set<string>,
  norm: (v: string, c: PlanColumn) => string,
): boolean {
  let at = 2;
  let field = 0;
  let found = false;
  const { fields, cols, binary } = plan;
  for (let k = 0; k < fields.length; k++) {
    const target = fields[k] as number;
    while (field < target) {
      const len = body.readInt32BE(at);
      at += len > 0 ? 4 + len : 4;
      field++;
    }
    const len = body.readInt32BE(at);
    at += 4;
    if (len >= 0) {
      const col = cols[k] as PlanColumn;
      const v = readValue(body, at, len, binary[k] as boolean, col.typeOid);
      if (v !== undefined) {
        const s = norm(v, col);
        if (s !== '') {
          out.add(s);
          found = true;
        }
      }
      at += len;
    }
    field++;
  }
  return found;
}

/** Where a COPY's declared columns sit in each row it sends. */
export interface CopyPlan {
  positions: number[];
  cols: PlanColumn[];
  format: 'text' | 'csv' | 'binary';
  delimiter: string;
}

/** The fields of one line of COPY text format (backslash escapes, \N for NULL). */
function textFields(line: string, delimiter: string): (string | null)[] {
  return line
    .split(delimiter)
    .map((f) =>
      f === '\\N'
        ? null
        : f.replace(
            /\\(.)/g,
            (_, c: string) => ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' })[c] ?? c,
          ),
    );
}

/** The fields of one CSV record (RFC 4180 quoting; an unquoted empty field is NULL). */
function csvFields(line: string, delimiter: string): (string | null)[] {
  const out: (string | null)[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else v += line[i++];
      }
      out.push(v);
      i = line.indexOf(delimiter, i);
      if (i < 0) break;
      i += delimiter.length;
    } else {
      const stop = line.indexOf(delimiter, i);
      const v = line.slice(i, stop < 0 ? line.length : stop);
      out.push(v === '' ? null : v);
      if (stop < 0) break;
      i = stop + delimiter.length;
    }
  }
  return out;
}

/**
 * Adds the identifiers of one CopyData message to `out`: the server sends a row a message in text
 * and CSV formats; in binary, a tuple a message after the header. Returns how many rows it held
 * and how many carried no identifier.
 */
export function copySubjects(
  data: Buffer,
  plan: CopyPlan,
  out: Set<string>,
  norm: (v: string, c: PlanColumn) => string,
  state: { headerSeen: boolean },
): { rows: number; uncovered: number } {
  if (plan.format === 'binary') return binaryCopy(data, plan, out, norm, state);
  const text = data.toString('utf8').replace(/\r?\n$/, '');
  if (text === '\\.') return { rows: 0, uncovered: 0 };
  const f = plan.format === 'csv' ? csvFields(text, plan.delimiter) : textFields(text, plan.delimiter);
  let found = false;
  plan.positions.forEach((p, k) => {
    const v = f[p];
    if (v === null || v === undefined) return;
    const s = norm(v, plan.cols[k] as PlanColumn);
    if (s === '') return;
    out.add(s);
    found = true;
  });
  return { rows: 1, uncovered: found ? 0 : 1 };
}

const SIGNATURE_BYTES = 11;

function binaryCopy(
  data: Buffer,
  plan: CopyPlan,
  out: Set<string>,
  norm: (v: string, c: PlanColumn) => string,
  state: { headerSeen: boolean },
): { rows: number; uncovered: number } {
  let at = 0;
  if (!state.headerSeen && data.length >= SIGNATURE_BYTES + 8 && data.toString('latin1', 0, 5) === 'PGCOPY') {
    state.headerSeen = true;
    at = SIGNATURE_BYTES + 4;
    at += 4 + data.readInt32BE(at);
  }
  let rows = 0;
  let uncovered = 0;
  while (at + 2 <= data.length) {
    const n = data.readInt16BE(at);
    at += 2;
    if (n === -1) break;
    rows++;
    let found = false;
    for (let field = 0; field < n && at + 4 <= data.length; field++) {
      const len = data.readInt32BE(at);
      at += 4;
      const k = plan.positions.indexOf(field);
      if (k >= 0 && len >= 0) {
        const col = plan.cols[k] as PlanColumn;
        const v = readValue(data, at, len, true, col.typeOid);
        if (v !== undefined && norm(v, col) !== '') {
          out.add(norm(v, col));
          found = true;
        }
      }
      if (len > 0) at += len;
    }
    if (!found) uncovered++;
  }
  return { rows, uncovered };
}
