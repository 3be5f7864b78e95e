/**
 * @module projects/access
 * A person's (or service account's) role on a project, which decides the database role Ward
 * creates for them in the project's cluster (owner: all privileges and DDL; readwrite: read and
 * write data; readonly: read). The gateway calls `resolveProjectRole` for every connection and
 * every re-validation; `effectiveProjectRole` is the rule itself:
 * - only members of the project's org have any role; auditors never get one (audit and
 *   compliance, never data); a disabled account has none;
 * - a member who must use MFA (HIPAA org, or "require MFA") and has not enrolled gets none;
 * - org owners are owners of every project;
 * - otherwise an explicit grant decides; without one, standard projects follow the org role
 *   (admin: owner, developer: readwrite, member: readonly) and HIPAA projects give nothing
 *   (minimum necessary: access to PHI is granted per project);
 * - live break-glass access raises the role, never lowers it.
 */
import { sql } from 'kysely';
import type { Db, OrgRole, ProjectRole, Tx } from '../db/index.js';
import { type PolicyOrg, requiresMfa } from '../identity/index.js';

const FROM_ORG_ROLE: Record<OrgRole, ProjectRole | null> = {
  owner: 'owner',
  admin: 'owner',
  developer: 'readwrite',
  member: 'readonly',
  auditor: null,
};

const RANK: Record<ProjectRole, number> = { readonly: 1, readwrite: 2, owner: 3 };

export const higherRole = (a: ProjectRole | null, b: ProjectRole | null): ProjectRole | null =>
  !a ? b : !b ? a : RANK[a] >= RANK[b] ? a : b;

export interface AccessFacts {
  orgRole: OrgRole | null;
  /** The project's audit_log_level is `hipaa`. */
  hipaaProject: boolean;
  grant: ProjectRole | null;
  breakGlass: ProjectRole | null;
  /** MFA is not required of them, or they have it (TOTP, or an org that requires SSO). */
  mfaSatisfied: boolean;
  disabled?: boolean;
}

export type RoleSource = 'org_role' | 'grant' | 'break_glass';

/**
 * Whether an account meets its org's MFA requirement for data access: service accounts always,
 * and people when the org does not require MFA, they have TOTP, or the org requires SSO (whose
 * provider vouches for the second factor, ADR 0021).
 */
export function mfaSatisfied(
  a: { kind: 'person' | 'service'; totp: boolean },
  org: PolicyOrg & { sso_required: boolean },
): boolean {
  return a.kind === 'service' || !requiresMfa(org) || a.totp || org.sso_required;
}

export function effectiveProjectRole(f: AccessFacts): ProjectRole | null {
  return explainProjectRole(f)?.role ?? null;
}

/** The role and where it comes from; null for no access. */
export function explainProjectRole(f: AccessFacts): { role: ProjectRole; source: RoleSource } | null {
  if (!f.orgRole || f.orgRole === 'auditor' || f.disabled || !f.mfaSatisfied) return null;
  const base: ProjectRole | null =
    f.orgRole === 'owner' ? 'owner' : (f.grant ?? (f.hipaaProject ? null : FROM_ORG_ROLE[f.orgRole]));
  const role = higherRole(base, f.breakGlass);
  if (!role) return null;
  const source: RoleSource =
    base === role ? (f.orgRole !== 'owner' && f.grant ? 'grant' : 'org_role') : 'break_glass';
  return { role, source };
}

interface FactsRow {
  audit_log_level: string;
  hipaa_enabled: boolean;
  settings: Record<string, unknown>;
  org_role: OrgRole | null;
  grant_role: ProjectRole | null;
  break_glass_role: ProjectRole | null;
  kind: 'person' | 'service';
  disabled: boolean;
  totp: boolean;
  sso_required: boolean;
}

/** Everything `effectiveProjectRole` needs, for one project and one account, in one statement. */
export async function projectAccessFacts(
  q: Db | Tx,
  projectId: string,
  userId: string,
): Promise<AccessFacts | undefined> {
  const { rows } = await sql<FactsRow>`
    SELECT p.audit_log_level, o.hipaa_enabled, o.settings, m.role AS org_role, g.role AS grant_role,
           (SELECT b.role FROM break_glass b
             WHERE b.project_id = p.id AND b.user_id = u.id AND b.ended_at IS NULL AND b.expires_at > now()
             ORDER BY CASE b.role WHEN 'owner' THEN 3 WHEN 'readwrite' THEN 2 ELSE 1 END DESC
             LIMIT 1) AS break_glass_role,
           u.kind, u.disabled_at IS NOT NULL AS disabled,
           t.confirmed_at IS NOT NULL AS totp, coalesce(s.require_sso, false) AS sso_required
      FROM projects p
      JOIN orgs o ON o.id = p.org_id
      JOIN users u ON u.id = ${userId}
      LEFT JOIN org_members m ON m.org_id = o.id AND m.user_id = u.id
      LEFT JOIN project_grants g ON g.project_id = p.id AND g.user_id = u.id
      LEFT JOIN user_totp t ON t.user_id = u.id
      LEFT JOIN org_sso s ON s.org_id = o.id
     WHERE p.id = ${projectId} AND p.status <> 'deleted'`.execute(q);
  const r = rows[0];
  if (!r) return undefined;
  return {
    orgRole: r.org_role,
    hipaaProject: r.audit_log_level === 'hipaa',
    grant: r.grant_role,
    breakGlass: r.break_glass_role,
    mfaSatisfied: mfaSatisfied(r, r),
    disabled: r.disabled,
  };
}

/** The role `userId` has on `projectId` right now (null: no access, or no such project). */
export async function resolveProjectRole(
  q: Db | Tx,
  projectId: string,
  userId: string,
): Promise<ProjectRole | null> {
  const facts = await projectAccessFacts(q, projectId, userId);
  return facts ? effectiveProjectRole(facts) : null;
}
