/**
 * @module cli/commands
 * Registers every client command group.
 */
import type { Command } from 'commander';
import { registerAccess } from './access.js';
import { registerAccessAccounting } from './access-accounting.js';
import { registerAccessReviews } from './access-reviews.js';
import { registerAlerts } from './alerts.js';
import { registerAudit } from './audit.js';
import { registerAuth } from './auth.js';
import { registerBackups, registerRestore } from './backups.js';
import { registerCompliance } from './compliance.js';
import { registerCompliancePublicity } from './compliance-publicity.js';
import { registerDb } from './db.js';
import { registerHipaa } from './hipaa.js';
import { registerIncidents } from './incidents.js';
import { registerMfa } from './mfa.js';
import { registerOperator } from './operator.js';
import { registerOrgs } from './orgs.js';
import { registerProjects } from './projects.js';
import { registerServiceAccounts } from './service-accounts.js';
import { registerSubjects } from './subjects.js';
import { registerSubprocessors } from './subprocessors.js';
import { registerUsers } from './users.js';

export function registerClientCommands(program: Command): void {
  registerAudit(program);
  registerAuth(program);
  registerUsers(program);
  registerOrgs(program);
  registerRestore(registerProjects(program));
  registerBackups(program);
  registerMfa(program);
  registerAccess(program);
  registerAccessAccounting(program);
  registerSubjects(program);
  registerServiceAccounts(program);
  registerAccessReviews(program);
  registerAlerts(program);
  registerDb(program);
  registerHipaa(program);
  registerCompliancePublicity(registerCompliance(program));
  registerSubprocessors(program);
  registerIncidents(program);
  registerOperator(program);
}
