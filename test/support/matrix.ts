/**
 * The permission matrix as docs/permissions.md shows it, computed from src/policy/permissions.ts,
 * and who the route walk expects to be allowed.
 */
import type { OrgRole } from '../../src/db/schema.js';
import { PERMISSIONS, type Rule } from '../../src/policy/permissions.js';

export const ROLES: readonly OrgRole[] = ['owner', 'admin', 'developer', 'auditor', 'member'];
export type Caller = OrgRole | 'operator' | 'outsider';

/** Allowed for one caller: an org role, the operator (not a member), or a member of another org. */
export function allows(rule: Rule, who: Caller): boolean {
  if (rule.who === 'anyone' || rule.who === 'person') return true;
  if (rule.who === 'operator') return who === 'operator';
  if (who === 'operator') return rule.operator === true;
  if (who === 'outsider') return false;
  return rule.who.includes(who);
}

const mark = (b: boolean) => (b ? '✓' : '–');

export function matrixRows(): string[] {
  return Object.entries(PERMISSIONS).map(([name, r]) => {
    const rule = r as Rule;
    const cells = [
      ...ROLES.map((role) => mark(allows(rule, role))),
      mark(allows(rule, 'operator')),
      mark(rule.service === true),
    ];
    const scope = rule.scope ? `\`${rule.scope}\`` : 'none';
    return `| \`${name}\` | ${cells.join(' | ')} | ${scope} | ${rule.summary} |`;
  });
}
