import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../evidence/index.js';
import { outcomeDetailsText, statementDetailsText } from './event-text.js';
import { resultEvent, type SessionInfo, statementEvent } from './events.js';
import type { Statement } from './expectations.js';

// Any text, lone surrogates and control characters included: JSON escapes them, and the direct
// writer must escape them exactly as the generic one does.
const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string());
const nullableText = fc.option(text, { nil: null });
const count = fc.nat();
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

const outcome = fc.record(
  {
    session_id: text,
    seq: count,
    command_tag: text,
    rows: fc.option(count, { nil: null }),
    duration_ms: finite,
    sqlstate: nullableText,
    uncovered_rows: count,
    skipped: fc.boolean(),
    bulk_read: fc.boolean(),
    subject_count: count,
    subjects: fc.record(
      { returned: text, count, role: text, statement_id: text, truncated: fc.boolean() },
      { requiredKeys: ['returned', 'count', 'role'] },
    ),
  },
  { requiredKeys: ['session_id', 'seq', 'command_tag', 'rows', 'duration_ms', 'sqlstate'] },
);

const statement = fc.record(
  {
    session_id: text,
    seq: count,
    protocol: fc.constantFrom('simple' as const, 'extended' as const, 'function' as const),
    statement: nullableText,
    statement_truncated: fc.boolean(),
    fingerprint: nullableText,
    command: text,
    text_id: fc.option(count, { nil: null }),
    text_sealed: text,
    text_bytes: count,
    tls: nullableText,
    refused: fc.record({ sqlstate: text, reason: text }),
    previous: outcome,
    subjects: fc.record({ named: text, count, role: text }),
  },
  {
    requiredKeys: ['session_id', 'seq', 'protocol', 'statement', 'fingerprint', 'command', 'text_id', 'tls'],
  },
);

describe('statement event text written directly', () => {
  it('is the canonical text of any db.statement details, every optional member on or off', () => {
    fc.assert(
      fc.property(statement, (d) => {
        expect(statementDetailsText(d)).toBe(canonicalize(d));
      }),
      { numRuns: 2000 },
    );
  });

  it('is the canonical text of any db.statement.result details', () => {
    fc.assert(
      fc.property(outcome, (d) => {
        expect(outcomeDetailsText(d)).toBe(canonicalize(d));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a number JSON cannot hold, as the generic writer does', () => {
    const d = {
      session_id: 's',
      seq: 1,
      command_tag: 'SELECT 1',
      rows: 1,
      duration_ms: Number.NaN,
      sqlstate: null,
    };
    expect(() => canonicalize(d)).toThrow(TypeError);
    expect(() => outcomeDetailsText(d)).toThrow(TypeError);
  });

  it("is what the gateway's events carry, and matches their details", () => {
    const s: SessionInfo = {
      sid: 'dbs_test',
      projectId: 'prj_test',
      projectName: 'p"\\roj',
      orgId: 'org_test',
      orgName: 'o',
      userId: 'usr_test',
      login: 'ada',
      dbRole: 'ward_u_ada',
      projectRole: 'readwrite',
      tls: 'TLSv1.3',
      hipaa: true,
      delivery: 'sync',
      method: 'scram',
      credentialId: null,
      tokenId: null,
      startedAt: 0,
    };
    const stmt = (seq: number, sqlstate: string | null): Statement => ({
      seq,
      startedAt: 0,
      tags: ['SELECT 1'],
      rows: 1,
      sqlstate,
    });
    const info = { normalized: "SELECT 'é' = $1 -- \u0000", fingerprint: 'ab12', command: 'SELECT' };
    const sealed = { id: 1, sealed: Buffer.from('sealed'), bytes: 6, recorded: false };
    const ok = resultEvent(s, stmt(1, '00000'), 3.25);
    const failed = resultEvent(s, stmt(2, '42P01'), 4);
    const skipped = resultEvent(s, stmt(3, null), 5, true);
    const events = [
      ok,
      failed,
      skipped,
      statementEvent(s, stmt(4, null), 'simple', info, sealed),
      statementEvent(s, stmt(5, null), 'extended', info, sealed, undefined, ok.details),
      statementEvent(s, stmt(6, null), 'simple', info, undefined, { sqlstate: '42501', reason: 'no' }),
      statementEvent(s, stmt(7, null), 'simple', { ...info, normalized: 'x'.repeat(9000) }, undefined),
    ];
    for (const e of events) expect(e.detailsText).toBe(canonicalize(e.details));
  });
});
