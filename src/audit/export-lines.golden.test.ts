/**
 * The exact bytes of export lines, plain and OCSF, for a varied set of stored events: sign-ins
 * and sign-outs, control-plane changes with and without a project, statements, failures and
 * refusals with their error payloads, Ward's own and anonymous actors, an action from outside
 * today's vocabulary, and text JSON escapes or keeps (quotes, backslashes, controls, U+2028,
 * accents, emoji). The expected lines in export-lines.golden.jsonl were written by the export as
 * it was before it was made faster (commit b60e732), once, and never regenerated: a line that
 * changes breaks every SIEM parser and offline check downstream, so a difference is the bug.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalEvent } from '../evidence/index.js';
import { exportEventLine } from './audit.export.js';

const CHAIN = 'org_goldenaaaaaaaaaa';
const user = { type: 'user', id: 'usr_goldenaaaaaaaaa', email: 'ada@acme.test', operator: false };
const awkward = 'a "quoted" back\\slash, tab\t nl\n soh\u0001 bell\u0007 \u2028\u2029 clé 😀 日本語';

/** The events as recorded (seq, id and time apart), in chain order. */
const EVENTS = [
  {
    action: 'auth.login.success',
    actor: { ...user, token_id: 'tok_goldenaaaaaaaaa', ip: '10.0.0.1', request_id: 'req-1' },
    target: { type: 'user', id: 'usr_goldenaaaaaaaaa' },
    details: { method: 'password', mfa: true },
  },
  {
    action: 'auth.login.failure',
    outcome: 'failure',
    actor: { type: 'anonymous', ip: '203.0.113.9', request_id: 'req-2' },
    target: { type: 'user', name: 'ada@acme.test' },
    details: { reason: 'bad_password', error: { code: 'unauthenticated', message: 'wrong "password"' } },
  },
  {
    action: 'project.create',
    actor: { ...user, token_id: 'tok_goldenaaaaaaaaa', ip: '10.0.0.1' },
    target: { type: 'project', id: 'prj_goldenaaaaaaaaa', name: 'records' },
    details: { name: 'records', hipaa: true, project_id: 'prj_goldenaaaaaaaaa' },
  },
  {
    action: 'org.update',
    actor: user,
    target: { type: 'org', id: CHAIN, name: `Acme ${awkward}` },
    details: { plan: 'team', previous: { plan: 'free' }, limits: [1, 2.5, -3, 1e21] },
  },
  {
    action: 'token.create',
    actor: { ...user, token_id: 'tok_goldenaaaaaaaaa' },
    target: { type: 'token', id: 'tok_newaaaaaaaaaaaa', name: 'clé de déploiement 😀' },
    details: { expires_at: null },
  },
  {
    action: 'db.statement',
    actor: { ...user, token_id: 'tok_goldenaaaaaaaaa', ip: '10.0.0.2' },
    target: { type: 'project', id: 'prj_goldenaaaaaaaaa' },
    details: {
      session_id: 'ses_goldenaaaaaaaaa',
      seq: 1,
      protocol: 'simple',
      statement: `SELECT '${awkward}'`,
      fingerprint: null,
      command: 'SELECT',
      text_id: null,
      tls: { version: 'TLSv1.3' },
      project_id: 'prj_goldenaaaaaaaaa',
    },
  },
  {
    action: 'db.statement',
    outcome: 'failure',
    actor: { ...user, token_id: 'tok_goldenaaaaaaaaa', ip: '10.0.0.2' },
    target: { type: 'project', id: 'prj_goldenaaaaaaaaa', name: 'records' },
    details: {
      session_id: 'ses_goldenaaaaaaaaa',
      seq: 2,
      statement: 'DROP TABLE patients',
      sqlstate: '42501',
      error: { code: 'forbidden', message: 'permission denied for table patients' },
      project_id: 'prj_goldenaaaaaaaaa',
    },
  },
  {
    action: 'access.denied',
    outcome: 'denied',
    actor: { ...user, ip: '10.0.0.3', request_id: 'req-3' },
    target: { type: 'project', id: 'prj_otheraaaaaaaaaa' },
    details: { error: { code: 'forbidden', message: `no role on '${awkward}'` } },
  },
  {
    action: 'backup.complete',
    actor: { type: 'system', id: 'ward' },
    target: { type: 'project', id: 'prj_goldenaaaaaaaaa', name: 'records' },
    details: { operation_id: 'op_1', trigger: 'schedule', bytes: 123456789 },
  },
  {
    action: 'serviceaccount.delete',
    actor: { ...user, operator: true },
    target: { type: 'service_account', id: 'sa_goldenaaaaaaaaaa', name: 'etl' },
    details: {},
  },
  {
    action: 'breakglass.review',
    actor: user,
    target: { type: 'project', id: 'prj_goldenaaaaaaaaa', name: 'records' },
    details: { verdict: 'justified', note: awkward },
  },
  {
    action: 'auth.logout',
    actor: { ...user, token_id: 'tok_goldenaaaaaaaaa', ip: '::1' },
    target: { type: 'user', id: 'usr_goldenaaaaaaaaa' },
    details: {},
  },
  {
    action: 'legacy.widget.rotate',
    actor: { type: 'user', id: null, email: null },
    target: {},
    details: { from: 'an older Ward' },
  },
];

/** The stored rows of EVENTS: canonical bodies, as the writer stores them, and fixed hashes. */
function storedRows() {
  return EVENTS.map((e, i) => {
    const seq = i === EVENTS.length - 1 ? 2 ** 40 : 41 + i;
    // Events of one write share a time; these come three to a write.
    const time = new Date(Date.UTC(2026, 11, 7, 9, 30, i, 7 * Math.floor(i / 3))).toISOString();
    const body = canonicalEvent({
      outcome: 'success',
      ...e,
      chain: CHAIN,
      seq,
      id: `evt_golden${String(i).padStart(10, 'a')}`,
      time,
    });
    return {
      seq,
      body: Buffer.from(body),
      prev_hash: Buffer.alloc(32, i),
      hash: Buffer.alloc(32, 255 - i),
    };
  });
}

const GOLDEN = readFileSync(new URL('./export-lines.golden.jsonl', import.meta.url), 'utf8')
  .slice(0, -1)
  .split('\n');

describe('export lines', () => {
  const rows = storedRows();

  it('are, plain and OCSF, the bytes they always were', () => {
    expect(GOLDEN).toHaveLength(2 * rows.length);
    rows.forEach((r, i) => {
      expect(exportEventLine('jsonl', r), `jsonl line of ${EVENTS[i]?.action}`).toBe(GOLDEN[2 * i]);
      expect(exportEventLine('ocsf', r), `ocsf line of ${EVENTS[i]?.action}`).toBe(GOLDEN[2 * i + 1]);
    });
  });

  it('are the same again and in any order (nothing carried over from one event to the next)', () => {
    for (const i of [12, 0, 5, 5, 1, 11, 3, 3, 8, 2, 7, 4, 6, 9, 10]) {
      const r = rows[i] as (typeof rows)[number];
      expect(exportEventLine('ocsf', r)).toBe(GOLDEN[2 * i + 1]);
      expect(exportEventLine('jsonl', r)).toBe(GOLDEN[2 * i]);
    }
  });
});
