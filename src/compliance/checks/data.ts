/**
 * @module compliance/checks/data
 * Live checks of the data and its record: audit controls, integrity, transmission security,
 * encryption at rest, backups, restore drills, disposal. Each lives in its own file beside this
 * one and reads what Ward records in one or two aggregate queries, whatever the number of projects.
 */
import { auditControls } from './audit-controls.js';
import { backupPlan } from './backup-plan.js';
import type { Check } from './check.js';
import { disposal } from './disposal.js';
import { encryptionAtRest } from './encryption-at-rest.js';
import { integrity } from './integrity.js';
import { restoreDrills } from './restore-drills.js';
import { transmission } from './transmission.js';

export const DATA_CHECKS: Check[] = [
  auditControls,
  integrity,
  transmission,
  encryptionAtRest,
  backupPlan,
  restoreDrills,
  disposal,
];
