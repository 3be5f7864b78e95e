import { describe, expect, it } from 'vitest';
import { findControl } from './catalog.js';
import { judge, refuseDecision, scores } from './posture.js';

const now = new Date('2026-12-07T12:00:00Z');
const control = (id: string) => {
  const c = findControl(id);
  if (!c) throw new Error(`no control ${id}`);
  return c;
};
const attestation = (review_by: string) => ({
  id: 'att_1',
  statement: 'our risk analysis',
  file_name: 'risk-analysis.pdf',
  sha256: 'ab'.repeat(32),
  size_bytes: 10,
  review_by,
  attested_by: 'owner@acme.test',
  attested_at: '2026-11-01T00:00:00.000Z',
});
const decision = (
  kind: 'implemented' | 'alternative' | 'not_reasonable' | 'not_applicable',
  expires_at: string,
) => ({
  id: 'dec_1',
  decision: kind,
  rationale: 'volumes are encrypted by the storage array (AES-256)',
  decided_by: 'owner@acme.test',
  decided_at: '2026-01-01T00:00:00.000Z',
  expires_at,
});

describe('a control’s state', () => {
  it('follows its live check', () => {
    const c = control('automatic-logoff');
    expect(judge(c, { now, check: { outcome: 'pass', message: 'ok', evidence: {} } }).state).toBe('passing');
    const failing = judge(c, {
      now,
      check: { outcome: 'fail', message: 'idle timeout is 60 minutes', evidence: {} },
    });
    expect(failing).toEqual({ state: 'failing', message: 'idle timeout is 60 minutes' });
  });

  it('is attested until the review date passes, and says how to fix it after', () => {
    const c = control('risk-analysis');
    expect(judge(c, { now }).state).toBe('failing');
    expect(judge(c, { now }).message).toContain('ward compliance attest --control risk-analysis');
    expect(judge(c, { now }).message).not.toContain('does not apply');
    expect(judge(control('group-health-plan'), { now }).message).toContain(
      'it applies only when the organization is a group health plan: otherwise an owner records that it does not apply (ward compliance decide --control group-health-plan --decision not_applicable',
    );
    expect(judge(c, { now, attestation: attestation('2026-12-07') }).state).toBe('attested');
    const late = judge(c, { now, attestation: attestation('2026-12-06') });
    expect(late.state).toBe('failing');
    expect(late.message).toContain('review date 2026-12-06 has passed');
  });

  it('takes an alternative measure or a not-reasonable judgement over a failing check, until it expires', () => {
    const c = control('encryption-at-rest');
    const check = { outcome: 'fail' as const, message: 'storage is not encrypted', evidence: {} };
    expect(judge(c, { now, check, decision: decision('alternative', '2027-01-01T00:00:00Z') })).toEqual({
      state: 'alternative',
      message: 'an alternative measure is in place: volumes are encrypted by the storage array (AES-256)',
    });
    expect(judge(c, { now, check, decision: decision('not_reasonable', '2027-01-01T00:00:00Z') }).state).toBe(
      'not_applicable',
    );
    expect(judge(c, { now, check, decision: decision('alternative', '2026-12-01T00:00:00Z') }).state).toBe(
      'failing',
    );
    expect(judge(c, { now, check, decision: decision('implemented', '2027-01-01T00:00:00Z') }).state).toBe(
      'failing',
    );
  });

  it('refuses decisions the rule does not allow', () => {
    expect(refuseDecision(control('audit-controls'), 'alternative')).toMatch(/is required/);
    expect(refuseDecision(control('encryption-at-rest'), 'not_applicable')).toMatch(/applies to every/);
    expect(refuseDecision(control('clearinghouse-isolation'), 'not_applicable')).toBeUndefined();
    expect(refuseDecision(control('encryption-at-rest'), 'not_reasonable')).toBeUndefined();
  });
});

describe('the scores', () => {
  it('count every state but failing as met, per kind, and floor so 100 means all', () => {
    const s = scores([
      { kind: 'required', state: 'passing' },
      { kind: 'required', state: 'attested' },
      { kind: 'required', state: 'failing' },
      { kind: 'addressable', state: 'alternative' },
      { kind: 'addressable', state: 'not_applicable' },
      { kind: 'addressable', state: 'passing' },
    ]);
    expect(s).toEqual({ required_score: 66, addressable_score: 100, required_met: false });
    const many = Array.from({ length: 199 }, () => ({
      kind: 'required' as const,
      state: 'passing' as const,
    }));
    expect(scores([...many, { kind: 'required', state: 'failing' }]).required_score).toBe(99);
  });
});
