/**
 * Helpers for the alert-rule tests: a HIPAA org (rules on by default) with its owner signed in
 * with a second factor and a running HIPAA project, and waiting for the alerts a rule raised.
 */
import { call } from './access.js';
import { runningProject } from './backups.js';
import { enableHipaa, mfaUser } from './hipaa.js';
import { eventually, type TestWard } from './ward.js';

export interface AlertJson {
  id: string;
  rule: string;
  status: string;
  title: string;
  raised_at: string;
  incident_id: string | null;
  summary: string;
  seq: number;
  chain: string;
  subject: Record<string, unknown>;
  events: { seq: number; id: string }[];
  status_note: string | null;
}

/** A HIPAA org `org` owned by `owner@<org>.test` (TOTP enrolled) with a running HIPAA project. */
export async function hipaaOrgWithProject(w: TestWard, org: string, project = 'records') {
  const owner = await mfaUser(w, `owner@${org}.test`);
  const created = await call(w, 'POST', '/api/v1/orgs', { token: owner, body: { name: org } });
  if (created.status !== 201) throw new Error(`org ${org}: ${JSON.stringify(created.body)}`);
  await enableHipaa(w, org, owner);
  const p = await runningProject(w, owner, org, project, 'local-hipaa');
  return { owner, orgId: created.body.id as string, project: p };
}

/** The org's alerts of `rule` once at least `n` exist, oldest first. */
export async function alertsOf(w: TestWard, token: string, org: string, rule: string, n = 1, ms = 30_000) {
  return eventually(async () => {
    const r = await call(w, 'GET', `/api/v1/orgs/${org}/alerts?rule=${rule}`, { token });
    if (r.status !== 200) throw new Error(`alerts: ${r.status} ${JSON.stringify(r.body)}`);
    const found = (r.body.alerts as AlertJson[]).reverse();
    return found.length >= n ? found : undefined;
  }, ms);
}

/** Changes one of the org's rules through the API. */
export async function setRule(
  w: TestWard,
  token: string,
  org: string,
  rule: string,
  body: Record<string, unknown>,
) {
  const r = await call(w, 'PUT', `/api/v1/orgs/${org}/alert-rules/${rule}`, { token, body });
  if (r.status !== 200) throw new Error(`rule ${rule}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
