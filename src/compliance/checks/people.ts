/**
 * @module compliance/checks/people
 * Live checks of who may reach PHI and how: two-step verification, unique users, automatic
 * logoff, emergency access, activity review, termination, log-in monitoring, the BAA. Each is
 * its own file beside this one; each reads the control database in one or two aggregate queries,
 * whatever the number of projects and members.
 */
import { activityReview } from './activity-review.js';
import { automaticLogoff } from './automatic-logoff.js';
import { baa } from './baa.js';
import type { Check } from './check.js';
import { emergencyAccess } from './emergency-access.js';
import { loginMonitoring } from './login-monitoring.js';
import { termination } from './termination.js';
import { twoStep } from './two-step.js';
import { uniqueUsers } from './unique-users.js';

export const PEOPLE_CHECKS: Check[] = [
  twoStep,
  uniqueUsers,
  automaticLogoff,
  emergencyAccess,
  activityReview,
  termination,
  loginMonitoring,
  baa,
];
