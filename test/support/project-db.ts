/**
 * A project's own database as a test reaches it: SQL in its cluster's `app` database as Ward's
 * administrative role (ward_admin), through the cluster's socket, to put rows in or read them back.
 */
import pg from 'pg';
import type { TestWard } from './ward.js';

/** Runs `text` in the app database of project `projectId` as ward_admin; returns its rows. */
export async function sql<T = any>(w: TestWard, projectId: string, text: string): Promise<T[]> {
  const c = new pg.Client(w.ward.services.dataplane.adminConnection(projectId));
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}
