/**
 * @module compliance/checks/check
 * What a live check is: a named test of state Ward already records (never a scan of a project's
 * data), with the threshold it applies said in words, returning whether the control holds, a
 * message that says what is wrong and how to fix it (or what holds), and what it looked at.
 */
import type { Db, Org } from '../../db/index.js';
import type { BaaStanding } from '../../hipaa/index.js';

/** The ids of the live checks; the catalog names one of these (or `attestation`) per control. */
export const CHECK_IDS = [
  'activity-review',
  'audit-controls',
  'backups',
  'baa',
  'disposal',
  'emergency-access',
  'encryption-at-rest',
  'integrity',
  'login-monitoring',
  'restore-drills',
  'termination',
  'transmission',
  'automatic-logoff',
  'two-step',
  'unique-users',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** A region's storage encryption as the region catalog judges it now, from the kernel's answers. */
export interface RegionStorage {
  id: string;
  hipaa: boolean;
  storage_encryption: string;
  status: string;
  detail: string;
}

/** How Ward itself is run: what the checks need from ward.yaml and the running edges. */
export interface PlatformFacts {
  /** The lowest TLS version the gateway accepts from clients ('TLSv1.2', 'TLSv1.3'). */
  gatewayTlsMinVersion: string;
  /** Whether the gateway refuses sessions without TLS. */
  gatewayRequiresTls: boolean;
  /** The host the API listens on, and whether it serves HTTPS. */
  apiHost: string;
  apiTls: boolean;
  /** Sign-in lockout: failures before an account (and an address) is locked, and for how long. */
  lockout: { maxFailures: number; minutes: number; addressMaxFailures: number };
}

/** Everything a check may read: the control database, the org, the time, and Ward's own facts. */
export interface CheckEnv {
  db: Db;
  org: Org;
  now: Date;
  platform: PlatformFacts;
  /** Every region, its storage encryption judged now from the kernel's answers (pick the org's). */
  regions(): Promise<RegionStorage[]>;
  /**
   * The org's BAA as the hipaa module judges it (`HipaaService.baaStanding(org)`): the
   * one in force and whether Ward renders the same text today. Without it the `baa` check fails,
   * saying the check was not given it.
   */
  baaStanding?(): Promise<BaaStanding>;
}

export interface CheckResult {
  /** `not_applicable` only when there is nothing the control could apply to. */
  outcome: 'pass' | 'fail' | 'not_applicable';
  /** When failing: what is wrong and what to do about it; otherwise what holds. */
  message: string;
  /** What the check looked at (counts, ids, times, settings), for the evidence drawer and report. */
  evidence: Record<string, unknown>;
}

export interface Check {
  id: CheckId;
  /** The thresholds it applies, in words, shown in the control's row (e.g. "idle timeout ≤ 15 min"). */
  threshold: string;
  run(env: CheckEnv): Promise<CheckResult>;
}
