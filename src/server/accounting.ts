/**
 * @module server/accounting
 * Wires the accounting of access: subject keys (checked against each project's catalog through
 * the data plane), the org subject key from the key hierarchy, and the reads built on the
 * statement events. The gateway takes `subjects.planFor` for each new session.
 */
import {
  type AccessAccounting,
  createAccessAccounting,
  createProjectAccess,
  createSubjectService,
  type SubjectService,
} from '../accounting/index.js';
import type { AuditService } from '../audit/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db } from '../db/index.js';
import type { KeyService } from '../keys/index.js';
import type { OrgService } from '../orgs/index.js';

export interface AccountingParts {
  subjects: SubjectService;
  accesses: AccessAccounting;
}

export function wireAccounting(deps: {
  db: Db;
  audit: AuditService;
  keys: KeyService;
  orgs: OrgService;
  dataplane: DataPlaneProvider;
}): AccountingParts {
  const projects = createProjectAccess(deps);
  const subjects = createSubjectService({ ...deps, projects });
  const accesses = createAccessAccounting({ ...deps, subjects, projects });
  return { subjects, accesses };
}
