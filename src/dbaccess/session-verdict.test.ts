import { describe, expect, it } from 'vitest';
import type { SessionFacts } from './dbaccess.store.js';
import { type SessionState, verdictFor } from './session-verdict.js';

const now = Date.parse('2026-11-22T12:00:00Z');
const state: SessionState = {
  projectName: 'records',
  orgName: 'acme',
  projectRole: 'readwrite',
  startedAt: now - 60_000,
  lastActivity: now - 1_000,
  busy: false,
  plaintext: false,
};
const facts: SessionFacts = {
  sid: 'dbs_x',
  project_status: 'running',
  audit_log_level: 'standard',
  allow_plaintext: false,
  hipaa_enabled: false,
  settings: {},
  org_role: 'developer',
  grant_role: null,
  break_glass_role: null,
  kind: 'person',
  disabled: false,
  totp: false,
  sso_required: false,
  token_ended: false,
  credential_revoked: false,
};
const minutes = (n: number) => n * 60_000;

describe('whether a database session may go on', () => {
  it('lets a member with the same role go on', () => {
    expect(verdictFor(state, facts, now)).toBeUndefined();
  });

  it('ends it when membership, account, token, credential or project went away, saying which', () => {
    expect(verdictFor(state, { ...facts, org_role: null }, now)?.message).toBe(
      "you are no longer a member of 'acme'",
    );
    expect(verdictFor(state, { ...facts, disabled: true }, now)?.reason).toBe('account_disabled');
    expect(verdictFor(state, { ...facts, token_ended: true }, now)?.reason).toBe('token_ended');
    expect(verdictFor(state, { ...facts, credential_revoked: true }, now)?.reason).toBe('credential_revoked');
    expect(verdictFor(state, { ...facts, project_status: 'deleting' }, now)?.message).toBe(
      "project 'records' is no longer running (status: deleting)",
    );
    expect(verdictFor(state, undefined, now)?.reason).toBe('project_unavailable');
    expect(verdictFor(state, { ...facts, org_role: 'auditor' }, now)?.reason).toBe('access_revoked');
  });

  it('ends a plaintext session once its project no longer allows plaintext; TLS sessions go on', () => {
    const plain = { ...state, plaintext: true };
    expect(verdictFor(plain, { ...facts, allow_plaintext: true }, now)).toBeUndefined();
    expect(verdictFor(plain, facts, now)).toEqual({
      reason: 'plaintext_refused',
      message:
        "project 'records' no longer allows plaintext connections; connect again with TLS (sslmode=verify-full)",
    });
    expect(verdictFor(state, facts, now)).toBeUndefined();
  });

  it('ends it when the project role changed', () => {
    expect(verdictFor(state, { ...facts, org_role: 'member' }, now)?.message).toBe(
      "your role on project 'records' changed from readwrite to readonly; connect again",
    );
  });

  it('applies the org idle timeout (15 minutes by default for HIPAA orgs), never while a statement runs', () => {
    const hipaa = { ...facts, hipaa_enabled: true, totp: true };
    const idle = { ...state, lastActivity: now - minutes(15) };
    expect(verdictFor(idle, hipaa, now)?.message).toBe(
      "this session was idle for 15 minutes, the limit 'acme' sets; connect again",
    );
    expect(verdictFor({ ...idle, busy: true }, hipaa, now)).toBeUndefined();
    expect(verdictFor({ ...state, lastActivity: now - minutes(14) }, hipaa, now)).toBeUndefined();
    const custom = { ...facts, settings: { session_idle_minutes: 5 } };
    expect(verdictFor({ ...state, lastActivity: now - minutes(5) }, custom, now)?.reason).toBe(
      'idle_timeout',
    );
  });

  it('applies the absolute lifetime (12 hours unless the org sets one)', () => {
    expect(
      verdictFor({ ...state, startedAt: now - minutes(12 * 60), lastActivity: now }, facts, now)?.message,
    ).toBe("this session reached the 12-hour limit 'acme' sets on a session; connect again");
    const short = { ...facts, settings: { session_absolute_hours: 2 } };
    expect(
      verdictFor({ ...state, startedAt: now - minutes(121), lastActivity: now }, short, now)?.reason,
    ).toBe('absolute_lifetime');
  });
});
