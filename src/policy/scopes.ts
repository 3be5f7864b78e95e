/**
 * @module policy/scopes
 * What a token may be used for. A session token holds `*` (whatever its person may do); a
 * personal or service token holds the scopes it was created with. Scopes only ever narrow a
 * person's own permissions, never widen them; src/policy/permissions.ts says which scope each
 * permission needs.
 */

export const SCOPES = {
  '*': 'everything the token’s owner may do',
  'projects:read': 'read organizations and projects',
  'projects:write': 'create, change and delete projects',
  'db:connect': 'open a database through the gateway, with the token as the password',
  'audit:read': 'read, verify and export audit logs',
  'org:read': 'read members, grants, service accounts, break-glass records and access reviews',
  'org:admin': 'manage members, settings, project grants and service accounts',
  'metrics:read': 'scrape GET /metrics from beyond loopback (only the operator’s tokens)',
} as const;

export type Scope = keyof typeof SCOPES;
export const SCOPE_NAMES = Object.keys(SCOPES) as Scope[];

export function hasScope(granted: readonly string[], needed: Scope): boolean {
  return granted.includes('*') || granted.includes(needed);
}
