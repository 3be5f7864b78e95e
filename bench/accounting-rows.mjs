#!/usr/bin/env node
// Accounting of access on the gateway's hot path, as a micro-benchmark of the code the relay runs
// (issue 22, ADR 0038). Figures per row (ns), each with its same-run baseline:
//   baseline     framing alone: walking the DataRows of a result set as the relay does (no work)
//   undeclared   a session with subject keys, result sets whose RowDescription names no declared
//                column: the plan is looked up once per RowDescription (cached), rows cost nothing
//   declared     the RowDescription names patients.mrn: each DataRow's value is read, normalized,
//                kept in the statement's set, and hashed (HMAC-SHA-256, 128 bits) once per
//                distinct value at the statement's end, as the gateway does; every value distinct
//   declared-int the same with a binary int4 key (pgbench_accounts.aid in binary format)
//   hashCopy     Node's createHash with the key's inner and outer states made once, copied per value
//   createHmac   Node's createHmac per value, for comparison with the table-driven HMAC Ward uses
//
//   npm run build && node bench/accounting-rows.mjs        (ROWS=200000 ROUNDS=7)
import { createHash, createHmac } from 'node:crypto';
import { tokenizer } from '../dist/accounting/index.js';
import { SessionSubjects } from '../dist/gateway/subjects/session-subjects.js';
import { StatementSubjects } from '../dist/gateway/subjects/statement-subjects.js';

const ROWS = Number(process.env.ROWS ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const KEY = Buffer.alloc(32, 7);
const MRN = {
  schema: 'public',
  table: 'patients',
  column: 'mrn',
  tableOid: 16400,
  attnum: 2,
  typeOid: 25,
  rule: 'exact',
  copyIndex: 1,
};
const AID = {
  schema: 'public',
  table: 'pgbench_accounts',
  column: 'aid',
  tableOid: 16500,
  attnum: 1,
  typeOid: 23,
  rule: 'exact',
  copyIndex: 0,
};
const session = new SessionSubjects({ columns: [MRN, AID], token: tokenizer(KEY) }, 'readonly');

function rowDescription(fields) {
  const parts = [Buffer.from([0, fields.length])];
  for (const [name, oid, att, type, format] of fields) {
    const b = Buffer.alloc(18);
    b.writeUInt32BE(oid, 0);
    b.writeInt16BE(att, 4);
    b.writeUInt32BE(type, 6);
    b.writeInt16BE(format, 16);
    parts.push(Buffer.from(`${name}\0`), b);
  }
  return Buffer.concat(parts);
}

function dataRow(values) {
  const parts = [Buffer.from([0, values.length])];
  for (const v of values) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(v.length);
    parts.push(len, v);
  }
  return Buffer.concat(parts);
}

const textRows = Array.from({ length: ROWS }, (_, i) =>
  dataRow([
    Buffer.from(String(i)),
    Buffer.from(`MRN-${String(i).padStart(8, '0')}`),
    Buffer.from('Patient Name'),
  ]),
);
const intRows = Array.from({ length: ROWS }, (_, i) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(i);
  return dataRow([b, Buffer.from('0')]);
});
const declared = rowDescription([
  ['id', 16400, 1, 23, 0],
  ['mrn', 16400, 2, 25, 0],
  ['name', 16400, 3, 25, 0],
]);
const undeclared = rowDescription([
  ['id', 16400, 1, 23, 0],
  ['x', 16400, 4, 25, 0],
  ['name', 16400, 3, 25, 0],
]);
const declaredInt = rowDescription([
  ['aid', 16500, 1, 23, 1],
  ['abalance', 16500, 3, 23, 0],
]);

/** What the relay does for every DataRow without accounting: read its type byte and length. */
let sink = 0;
function relayWalk(rows) {
  for (const r of rows) sink += r[0] + r.length;
}

function statement(desc, rows) {
  const s = new StatementSubjects(session, undefined);
  s.rowDescription(desc);
  for (const r of rows) s.dataRow(r);
  s.resultDone('SELECT', rows.length);
  if (s.returned.size) sink += s.tokens(s.returned).length;
  return s;
}

const runs = {
  baseline: () => relayWalk(textRows),
  undeclared: () => {
    relayWalk(textRows);
    // The gateway plans each RowDescription once; results of 50 rows each, as a busy app sends.
    for (let i = 0; i < ROWS; i += 50) statement(undeclared, textRows.slice(i, i + 50));
  },
  declared: () => {
    relayWalk(textRows);
    statement(declared, textRows);
  },
  'declared-int': () => {
    relayWalk(intRows);
    statement(declaredInt, intRows);
  },
  hashCopy: () => {
    // Node's hash with the key's inner and outer states computed once and copied per value.
    const inner = createHash('sha256').update(
      Buffer.alloc(64, 0x36).map((b, i) => (i < KEY.length ? b ^ KEY[i] : b)),
    );
    const outer = createHash('sha256').update(
      Buffer.alloc(64, 0x5c).map((b, i) => (i < KEY.length ? b ^ KEY[i] : b)),
    );
    for (let i = 0; i < ROWS; i++)
      sink += outer
        .copy()
        .update(inner.copy().update(`MRN-${i}`).digest())
        .digest()[0];
  },
  createHmac: () => {
    for (let i = 0; i < ROWS; i++) sink += createHmac('sha256', KEY).update(`MRN-${i}`).digest()[0];
  },
};

const best = {};
for (let round = 0; round < ROUNDS; round++)
  for (const [name, fn] of Object.entries(runs)) {
    const t = process.hrtime.bigint();
    fn();
    const ns = Number(process.hrtime.bigint() - t) / ROWS;
    best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, ns);
  }
console.log(`rows per run: ${ROWS}, best of ${ROUNDS} rounds, ns per row (the same run's baseline first)`);
for (const [name, ns] of Object.entries(best))
  console.log(
    `${name.padEnd(13)} ${ns.toFixed(1).padStart(8)} ns/row   over baseline: ${(ns - best.baseline).toFixed(1)} ns`,
  );
console.log(`(sink ${sink % 10})`);
