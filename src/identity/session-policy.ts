/**
 * @module identity/session-policy
 * An org's session and MFA policy from its settings, with the defaults in one place. Console
 * sessions follow the strictest policy among the person's orgs (identity/identity.store.ts asks
 * the database with these same defaults); the gateway reads the same settings for database
 * sessions.
 */

export const SESSION_DEFAULTS = {
  /** Idle timeout of HIPAA orgs unless they set one. */
  hipaaIdleMinutes: 15,
  /** Idle timeout of other orgs, and of people in no org. */
  idleMinutes: 60,
  absoluteHours: 12,
} as const;

export const IDLE_RANGE = { min: 5, max: 60 } as const;
export const ABSOLUTE_RANGE = { min: 1, max: 24 } as const;

export interface PolicyOrg {
  hipaa_enabled: boolean;
  settings: Record<string, unknown>;
}

const int = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? v : undefined;

export function sessionPolicyOf(org: PolicyOrg): { idleMinutes: number; absoluteHours: number } {
  return {
    idleMinutes:
      int(org.settings.session_idle_minutes) ??
      (org.hipaa_enabled ? SESSION_DEFAULTS.hipaaIdleMinutes : SESSION_DEFAULTS.idleMinutes),
    absoluteHours: int(org.settings.session_absolute_hours) ?? SESSION_DEFAULTS.absoluteHours,
  };
}

/** HIPAA orgs always require MFA; others when `require_mfa` is set. */
export function requiresMfa(org: PolicyOrg): boolean {
  return org.hipaa_enabled || org.settings.require_mfa === true;
}
