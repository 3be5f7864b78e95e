/**
 * @module projects/records
 * The project rows other domains work with, so they never reach into projects.store: backups
 * reads a project by id (its jobs run as Ward, for any org), locks one while it asks for a job,
 * and a restore records its new project (status `restoring`) and then the restore's outcome.
 * Each takes the caller's transaction where it has one; the caller's audited mutation covers it.
 */
import type { Db, NewProject, Project, ProjectStatus, Tx } from '../db/index.js';
import * as store from './projects.store.js';

/** A live (not deleted) project by id, whoever's it is. */
export const findProjectById = (q: Db | Tx, id: string): Promise<Project | undefined> =>
  store.findProject(q, id);

/** A live project by id, locked until `tx` ends. */
export const lockProjectById = (tx: Tx, id: string): Promise<Project | undefined> =>
  store.lockProject(tx, id);

/** A live project of `orgId` by name: names are unique within an org. */
export const findProjectByName = (q: Db | Tx, orgId: string, name: string): Promise<Project | undefined> =>
  store.findByName(q, orgId, name);

/**
 * Records a project that a restore is making; it runs once the restore ends. It starts TLS-only
 * whatever its source allowed (a HIPAA project must; the database refuses the flag on one).
 */
export const insertRestoringProject = (tx: Tx, p: NewProject & { status: 'restoring' }): Promise<Project> =>
  store.insertProject(tx, { ...p, allow_plaintext: false });

/** Sets a project's status (and the reason people see), as a restore ends. */
export const setProjectStatus = (
  q: Db | Tx,
  id: string,
  status: Extract<ProjectStatus, 'running' | 'failed'>,
  reason: string | null,
): Promise<Project | undefined> => store.setStatus(q, id, status, reason);
