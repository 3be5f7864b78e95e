import { describe, expect, it, vi } from 'vitest';
import type { AuditService, EventSpec } from '../../audit/index.js';
import { type LoginTarget, sessionKeyAad } from '../../dbaccess/index.js';
import type { KeyService } from '../../keys/index.js';
import { createAuditHealth } from '../audit-gate.js';
import { GatewayError } from '../errors.js';
import type { Admission } from './admit.js';
import { recordConnect, sessionInfo } from './record.js';

const admission = {
  target: {
    user_id: 'usr_alice',
    project_id: 'prj_records',
    project_name: 'records',
    org_id: 'org_acme',
    org_name: 'acme',
    audit_log_level: 'hipaa',
    audit_delivery: 'async',
  } as LoginTarget,
  auth: { method: 'scram', credentialId: 'dbc_1', tokenId: null },
  projectRole: 'readonly',
  ctx: { actor: { type: 'anonymous' }, ip: null },
} satisfies Admission;

const info = sessionInfo('dbs_1', 'alice@acme.test', admission, 'alice@acme.test', 'TLSv1.3');
const keys = {
  encrypt: vi.fn(async (_scope: unknown, key: Buffer) => Buffer.concat([Buffer.from('wrapped:'), key])),
} as unknown as KeyService;

describe('recording the connect', () => {
  it('describes the session; a HIPAA project’s session delivers its events in sync, whatever the setting', () => {
    expect(info).toMatchObject({
      sid: 'dbs_1',
      projectId: 'prj_records',
      orgId: 'org_acme',
      projectRole: 'readonly',
      tls: 'TLSv1.3',
      hipaa: true,
      delivery: 'sync',
      method: 'scram',
      credentialId: 'dbc_1',
    });
  });

  it('appends db.connect carrying the session’s text key wrapped under the project’s key', async () => {
    const appended: EventSpec[] = [];
    const audit = { append: async (_ctx: unknown, events: EventSpec[]) => void appended.push(...events) };
    const health = createAuditHealth();
    await recordConnect(
      { audit: audit as unknown as AuditService, keys, health },
      admission,
      info,
      Buffer.from('k'),
    );
    expect(appended).toHaveLength(1);
    expect(appended[0]).toMatchObject({
      action: 'db.connect',
      chain: 'org_acme',
      details: { session_id: 'dbs_1', text_key: Buffer.from('wrapped:k').toString('base64') },
    });
    expect(keys.encrypt).toHaveBeenCalledWith(
      { type: 'project', projectId: 'prj_records', orgId: 'org_acme' },
      Buffer.from('k'),
      sessionKeyAad('dbs_1'),
    );
    expect(health.ok()).toBe(true);
  });

  it('refuses the session (57P03) when the audit log cannot take the event', async () => {
    const audit = { append: async () => Promise.reject(new Error('disk full')) };
    const health = createAuditHealth();
    health.success();
    const err = await recordConnect(
      { audit: audit as unknown as AuditService, keys, health },
      admission,
      info,
      Buffer.from('k'),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ sqlstate: '57P03', reason: 'audit_unavailable' });
    expect(health.ok()).toBe(false);
  });
});
