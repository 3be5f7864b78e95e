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
};
