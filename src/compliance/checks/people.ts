/**
 * @module compliance/checks/people
 * Live checks of who may reach PHI and how: two-step verification, unique users, automatic
 * logoff, emergency access, activity review, termination, log-in monitoring, the BAA.
 */
import type { Check } from './check.js';

export const PEOPLE_CHECKS: Check[] = [];
