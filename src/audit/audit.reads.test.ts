/**
 * A filtered page of a long chain reads about as much of the database as it shows: the newest
 * matches come from the filter's index in order, however far back they lie, and so do the
 * matches before a time far back.
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWard, type TestWard } from '../../test/support/ward.js';
import { listAuditQuery } from '../evidence/index.js';
import type { RequestContext } from '../lib/context.js';
import { listStatement } from './audit.reads.js';

let w: TestWard;
beforeAll(async () => {
  w = await startTestWard();
});
afterAll(() => w?.stop());

const CHAIN = 'org_vlistaaaaaaaaaaa';
const as = (id: string): RequestContext =>
  Object.freeze({
    actor: Object.freeze({ type: 'user', id, email: `${id}@acme.test`, operator: false, token_id: 'tok_x' }),
    ip: '127.0.0.1',
  }) as RequestContext;
const events = (n: number, project: string) =>
  Array.from({ length: n }, (_, i) => ({
    action: 'project.cluster.restart' as const,
    chain: CHAIN,
    target: { type: 'project' as const, id: project, name: 'records' },
    details: { reason: `exit ${i} ${'x'.repeat(300)}` },
  }));

/** Shared buffers (hit or read) the page's own query touches, from EXPLAIN (ANALYZE, BUFFERS). */
async function buffersFor(q: Record<string, string>, ids: { actors?: string[]; projects?: string[] }) {
  const stmt = listStatement(CHAIN, listAuditQuery.parse(q), ids);
  type Explained = { 'QUERY PLAN': [{ Plan: Record<string, number> }] };
  const { rows } = await sql<Explained>`
    EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${stmt}`.execute(w.ward.services.db);
  const plan = (rows[0] as Explained)['QUERY PLAN'][0].Plan;
  return (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
}

describe('a filtered page of a long chain', () => {
  it('reads the filter index, not the chain from its newest event back to the matches', async () => {
    const { audit } = w.ward.services;
    // 2,000 events by Carol about one project, then 20,000 by Bob about another.
    for (let i = 0; i < 2; i++)
      await audit.append(as('usr_carolaaaaaaaaaaaa'), events(1000, 'prj_oldaaaaaaaaaaaaa'));
    await new Promise((r) => setTimeout(r, 5));
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 20; i++)
      await audit.append(as('usr_bobaaaaaaaaaaaaaa'), events(1000, 'prj_newaaaaaaaaaaaaa'));
    const admin = new pg.Client({
      host: join(w.home, 'control', 'run'),
      user: 'ward_admin',
      database: 'ward',
    });
    await admin.connect();
    await admin.query('ANALYZE ward.audit_events');
    await admin.end();

    const reader = w.ward.services.auditReader;
    const byCarol = await reader.list(CHAIN, listAuditQuery.parse({ actor: 'usr_carolaaaaaaaaaaaa' }));
    expect(byCarol.events).toHaveLength(50);
    expect(byCarol.events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 2000 - i));
    expect(byCarol.events.every((e) => e.actor.id === 'usr_carolaaaaaaaaaaaa')).toBe(true);
    const oldProject = await reader.list(
      CHAIN,
      listAuditQuery.parse({ project: 'prj_oldaaaaaaaaaaaaa', limit: '5' }),
    );
    expect(oldProject.events.map((e) => e.seq)).toEqual([2000, 1999, 1998, 1997, 1996]);
    // The next page starts after the last one shown, inside the 1,000 events of one append
    // (one time, so seq breaks the tie).
    const cursor = oldProject.next_cursor as string;
    const next = await reader.list(
      CHAIN,
      listAuditQuery.parse({ project: 'prj_oldaaaaaaaaaaaaa', limit: '5', cursor }),
    );
    expect(next.events.map((e) => e.seq)).toEqual([1995, 1994, 1993, 1992, 1991]);
    const before = await reader.list(
      CHAIN,
      listAuditQuery.parse({ action: 'project.cluster.restart', until: between, limit: '3' }),
    );
    expect(before.events.map((e) => e.seq)).toEqual([2000, 1999, 1998]);
    expect(before.events.every((e) => e.time < between)).toBe(true);

    // Walking back from the newest event to Carol's would touch hundreds of pages of the
    // primary key and the table (20,000 of Bob's events first); her index, a few.
    expect(
      await buffersFor({ actor: 'usr_carolaaaaaaaaaaaa' }, { actors: ['usr_carolaaaaaaaaaaaa'] }),
    ).toBeLessThan(60);
    expect(
      await buffersFor({ project: 'prj_oldaaaaaaaaaaaaa' }, { projects: ['prj_oldaaaaaaaaaaaaa'] }),
    ).toBeLessThan(60);
    // Before a time, with and without a filter: a range of the index, not a walk back through
    // Bob's 20,000 events to the bound.
    expect(await buffersFor({ action: 'project.cluster.restart', until: between }, {})).toBeLessThan(60);
    expect(await buffersFor({ until: between }, {})).toBeLessThan(60);
    expect(
      await buffersFor({ project: 'prj_oldaaaaaaaaaaaaa', cursor }, { projects: ['prj_oldaaaaaaaaaaaaa'] }),
    ).toBeLessThan(60);
  });
});
