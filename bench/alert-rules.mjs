#!/usr/bin/env node
// Issue 21's figure: what evaluating the alert rules costs the audit append path, per event,
// over a realistic mixed stream (EVENTS events, 1,000,000 by default), beside the append path's
// own in-process cost per event measured in the same run (the writer's BatchBuilder: canonical
// encoding and the SHA-256 link of each event, batches of 500, what every append pays before the
// database).                                                           target: rules < 2 µs/event
// The stream: 40 people and their service accounts on 12 projects (half HIPAA), ~55% db.statement
// (a third carrying the previous statement's outcome with its rows), ~25% db.statement.result,
// the rest connects, refused connects, disconnects, sign-ins, refused sign-ins, break-glass,
// backups and compliance changes; one event a millisecond; every rule on, working hours declared.
// The rules run as Ward runs them: the audit log's observer list (dist/audit/observer.js) calls
// the evaluator's per-chain loop (next seq, settings-change check) around `evaluate`.
// Usage: npm run build && node bench/alert-rules.mjs   (EVENTS=1000000 ROUNDS=5)
import { emptyState, evaluate, RULE_IDS, RULES } from '../dist/alerting/index.js';
import { BatchBuilder } from '../dist/audit/audit.store.js';
import { observers } from '../dist/audit/observer.js';
import { GENESIS_HASH } from '../dist/evidence/index.js';

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BATCH = 500;
const CHAIN = 'org_benchbenchbenchbe';
const START = Date.parse('2026-03-02T06:00:00Z');
const PROJECTS = Array.from({ length: 12 }, (_, i) => `prj_${String(i).padStart(16, 'p')}`);
const HIPAA = new Set(PROJECTS.filter((_, i) => i % 2 === 0));
const PEOPLE = Array.from({ length: 40 }, (_, i) => ({
  type: 'user',
  id: `usr_${String(i).padStart(16, 'u')}`,
  email: `person${i}@clinic.test`,
  operator: false,
  token_id: `tok_${String(i).padStart(16, 't')}`,
  ip: `10.${i % 4}.${i}.${(i * 7) % 250}`,
}));

function stream(n) {
  const out = new Array(n);
  let s = 1;
  for (let i = 0; i < n; i++) {
    const p = PEOPLE[i % PEOPLE.length];
    const project = PROJECTS[(i >> 3) % PROJECTS.length];
    const target = { type: 'project', id: project, name: `p${project.slice(-2)}` };
    const time = new Date(START + i).toISOString();
    const r = i % 100;
    let e;
    if (r < 55)
      e = {
        action: 'db.statement',
        outcome: 'success',
        details: {
          session_id: `dbs_${i % 500}`,
          seq: s++,
          protocol: 'extended',
          statement: 'SELECT id, name FROM patients WHERE id = $1',
          fingerprint: 'a1b2c3d4e5f60718',
          command: 'SELECT',
          ...(r % 3 === 0
            ? {
                previous: {
                  session_id: `dbs_${i % 500}`,
                  seq: s - 1,
                  command_tag: 'SELECT 3',
                  rows: 3,
                  duration_ms: 0.4,
                  sqlstate: '00000',
                },
              }
            : {}),
        },
      };
    else if (r < 80)
      e = {
        action: 'db.statement.result',
        outcome: 'success',
        details: {
          session_id: `dbs_${i % 500}`,
          seq: s,
          command_tag: 'SELECT 5',
          rows: 5,
          duration_ms: 0.7,
          sqlstate: '00000',
        },
      };
    else if (r < 88)
      e = {
        action: 'db.connect',
        outcome: 'success',
        details: { session_id: `dbs_${i % 500}`, login: p.email },
      };
    else if (r < 90)
      e = {
        action: 'db.connect',
        outcome: 'denied',
        details: { login: p.email, database: project, reason: 'bad_password' },
      };
    else if (r < 96)
      e = {
        action: 'db.disconnect',
        outcome: 'success',
        details: { session_id: `dbs_${i % 500}`, reason: 'client' },
      };
    else if (r < 98)
      e = { action: 'auth.login.success', outcome: 'success', details: { method: 'password' } };
    else if (r < 99)
      e = {
        action: 'auth.login.failure',
        outcome: 'denied',
        details: { method: 'password', email: p.email, reason: 'bad_credentials' },
      };
    else if (i % 1000 === 99)
      e = { action: 'backup.finish', outcome: 'failure', details: { operation_id: 'op_x' } };
    else
      e = {
        action: 'compliance.control.change',
        outcome: 'success',
        details: { kind: 'addressable', to: 'passing' },
      };
    out[i] = { chain: CHAIN, id: `evt_${i.toString(36).padStart(16, '0')}`, time, actor: p, target, ...e };
  }
  return out;
}

const org = {
  org_id: CHAIN,
  settings: Object.fromEntries(RULE_IDS.map((id) => [id, { enabled: true, ...RULES[id].defaults }])),
  hours: { start: 8 * 60, end: 18 * 60, days: [1, 2, 3, 4, 5], time_zone: 'America/Chicago' },
  hipaa_projects: HIPAA,
};
const SETTING_CHANGES = new Set([
  'hipaa.enable',
  'hipaa.disable',
  'project.create',
  'project.delete',
  'alert.rule.update',
  'alert.settings.update',
]);

function rulesObserver() {
  const run = { next: 1, state: emptyState(), changed: false, lastTime: '', paused: false };
  let raised = 0;
  const raise = () => {
    raised++;
  };
  return {
    get raised() {
      return raised;
    },
    onCommitted(_chain, firstSeq, events) {
      for (let i = 0; i < events.length && !run.paused; i++) {
        const seq = firstSeq + i;
        if (seq < run.next) continue;
        const e = events[i];
        evaluate(org, run.state, seq, e, raise);
        run.next = seq + 1;
        run.changed = true;
        run.lastTime = e.time;
        if (SETTING_CHANGES.has(e.action)) run.paused = true;
      }
    },
  };
}

const events = stream(EVENTS);
const batches = [];
for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));

function timeAppend() {
  const started = process.hrtime.bigint();
  let head = { seq: 0, hash: GENESIS_HASH };
  for (const b of batches) {
    const builder = new BatchBuilder(CHAIN, head, b.length);
    builder.add(b);
    head = builder.next;
  }
  return Number(process.hrtime.bigint() - started) / EVENTS;
}

function timeRules() {
  const list = observers();
  const rules = rulesObserver();
  list.add(rules);
  const started = process.hrtime.bigint();
  let seq = 1;
  for (const b of batches) {
    list.onCommitted(CHAIN, seq, b);
    seq += b.length;
  }
  return { ns: Number(process.hrtime.bigint() - started) / EVENTS, raised: rules.raised };
}

const append = [];
const rules = [];
let raised = 0;
for (let r = 0; r < ROUNDS; r++) {
  append.push(timeAppend());
  const t = timeRules();
  rules.push(t.ns);
  raised = t.raised;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const a = median(append);
const e = median(rules);
console.log(
  `alert rules over ${EVENTS.toLocaleString('en-US')} mixed events, median of ${ROUNDS} rounds (first round warms up)`,
);
console.log(
  `  append path without rules (BatchBuilder: encode + SHA-256 link): ${(a / 1000).toFixed(3)} µs/event`,
);
console.log(
  `  rule evaluation (observer + every rule on):                      ${(e / 1000).toFixed(3)} µs/event  (target < 2 µs)`,
);
console.log(
  `  rules as a share of the append path's own cost:                  ${((e / a) * 100).toFixed(1)} %`,
);
console.log(`  alerts raised by the stream: ${raised}`);
if (e >= 2000) process.exitCode = 1;
