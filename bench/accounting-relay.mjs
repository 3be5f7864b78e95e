#!/usr/bin/env node
// The relay's own CPU per statement with a subject key and without, in this process (no sockets,
// no audit writer): pgbench's select-only statement through the message handlers of the gateway
// (client-messages, server-messages, the relay state and its events), simple and extended
// protocol, with pgbench_accounts.aid declared (each statement names its aid: the literal or bound
// value read, normalized, hashed, its token in the event) and, as the same-run baseline, with no
// key. Rounds alternate. Issue 22, ADR 0038.
//   npm run build && node bench/accounting-relay.mjs       (N=100000 ROUNDS=3)
import { tokenizer } from '../dist/accounting/index.js';
import { onClientFrame } from '../dist/gateway/client-messages.js';
import { RelayState } from '../dist/gateway/relay-state.js';
import { onServerFrame } from '../dist/gateway/server-messages.js';
import { createNormalizer, loadParser } from '../dist/gateway/statements/normalizer.js';
import { SessionSubjects } from '../dist/gateway/subjects/session-subjects.js';

await loadParser();
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
const info = {
  sid: 'dbs_x',
  projectId: 'prj_x',
  projectName: 'p',
  orgId: 'org_x',
  orgName: 'o',
  userId: 'u',
  login: 'l',
  dbRole: 'r',
  projectRole: 'readonly',
  tls: 'TLSv1.3',
  hipaa: false,
  delivery: 'sync',
  method: 'scram',
  credentialId: null,
  tokenId: null,
  startedAt: Date.now(),
};
const f = (t, ...parts) => {
  const body = Buffer.concat(parts);
  return { type: t.charCodeAt(0), body, raw: body };
};
const cstr = (s) => Buffer.from(`${s}\0`);
const i16 = (n) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const i32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const rd = Buffer.concat([i16(1), cstr('abalance'), i32(16500), i16(3), i32(23), i16(4), i32(-1), i16(0)]);
function extended(aid) {
  const v = Buffer.from(String(aid));
  return [
    f('P', cstr(''), cstr('SELECT abalance FROM pgbench_accounts WHERE aid = $1;'), i16(0)),
    f('B', cstr(''), cstr(''), i16(0), i16(1), i32(v.length), v, i16(0)),
    f('D', Buffer.from('P'), cstr('')),
    f('E', cstr(''), i32(0)),
    f('S'),
  ];
}
const simple = (aid) => [f('Q', cstr(`SELECT abalance FROM pgbench_accounts WHERE aid = ${aid};`))];
const server = [
  f('1'),
  f('2'),
  f('T', rd),
  f('D', i16(1), i32(1), Buffer.from('0')),
  f('C', cstr('SELECT 1')),
  f('Z', Buffer.from('I')),
];
const serverSimple = [
  f('T', rd),
  f('D', i16(1), i32(1), Buffer.from('0')),
  f('C', cstr('SELECT 1')),
  f('Z', Buffer.from('I')),
];
const N = Number(process.env.N ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
for (const mode of ['simple', 'extended'])
  for (let round = 0; round < ROUNDS; round++)
    for (const withKey of [false, true]) {
      const subjects = withKey
        ? new SessionSubjects({ columns: [AID], token: tokenizer(Buffer.alloc(32, 1)) }, 'readonly')
        : undefined;
      const s = new RelayState(info, createNormalizer(), (_id, b) => b, subjects);
      const t = process.hrtime.bigint();
      for (let i = 0; i < N; i++) {
        for (const fr of (mode === 'simple' ? simple : extended)(i)) onClientFrame(s, fr);
        for (const fr of mode === 'simple' ? serverSimple : server) onServerFrame(s, fr);
        s.events.length = 0;
      }
      console.log(
        mode,
        withKey ? 'aid ' : 'none',
        (Number(process.hrtime.bigint() - t) / N / 1000).toFixed(2),
        'µs/stmt',
      );
    }
