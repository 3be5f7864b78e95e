/**
 * @module api/keys
 * TanStack Query keys, in one place so invalidations match what the pages read.
 */
export const keys = {
  me: ['me'] as const,
  orgs: ['orgs'] as const,
  org: (ref: string) => ['orgs', ref] as const,
  regions: ['regions'] as const,
  projects: (org: string) => ['orgs', org, 'projects'] as const,
  project: (id: string) => ['projects', id] as const,
  auditEvents: (org: string, filters: object) => ['orgs', org, 'audit-events', filters] as const,
  auditSinks: (org: string) => ['orgs', org, 'audit-sinks'] as const,
  auditWitnesses: (org: string) => ['orgs', org, 'audit-witnesses'] as const,
  hipaa: (org: string) => ['orgs', org, 'hipaa'] as const,
  baa: (org: string) => ['orgs', org, 'baa'] as const,
  orgKeys: (org: string) => ['orgs', org, 'keys'] as const,
  rootKey: (org: string) => ['orgs', org, 'keys', 'hsm'] as const,
  certificates: (org: string) => ['orgs', org, 'certificates'] as const,
  compliance: (org: string) => ['orgs', org, 'compliance'] as const,
  pendingBaas: ['baas', 'pending'] as const,
  publicity: (org: string) => ['orgs', org, 'compliance', 'publicity'] as const,
  notices: (org: string) => ['orgs', org, 'compliance', 'notices'] as const,
  subprocessors: ['subprocessors'] as const,
  alerts: (org: string) => ['orgs', org, 'alerts'] as const,
  alertRules: (org: string) => ['orgs', org, 'alert-rules'] as const,
  alertSettings: (org: string) => ['orgs', org, 'alert-settings'] as const,
};
