/**
 * @module compliance/checks/data
 * Live checks of the data and its record: audit controls, integrity, transmission security,
 * encryption at rest, backups, restore drills, disposal.
 */
import type { Check } from './check.js';

export const DATA_CHECKS: Check[] = [];
