/**
 * A filtered page of a long chain reads about as much of the database as it shows: the newest
 * matches come from the filter's index in order, however far back they lie, and so do the
 * matches before a time far back.
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superuser } from '../../test/support/control-db.js';
import { startTestWard, type TestWard } from '../../test/support/ward.js';
import { listAuditQuery } from '../evidence/index.js';
import type { RequestContext } from '../lib/context.js';
import { listStatement } from './audit.reads.js';
import type { EventSpec } from './audit.service.js';

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
    // 2,000 events by Carol about one project, then 20,000 by Bob about another, stored one a row
    // (as changes are); pages over batches are the next test's.
    for (let i = 0; i < 2; i++)
      await audit.record(as('usr_carolaaaaaaaaaaaa'), events(1000, 'prj_oldaaaaaaaaaaaaa'));
    await new Promise((r) => setTimeout(r, 5));
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 20; i++)
      await audit.record(as('usr_bobaaaaaaaaaaaaaa'), events(1000, 'prj_newaaaaaaaaaaaaa'));
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

describe('pages of a chain that mixes events stored alone and in batches', () => {
  const MIXED = 'org_vmixedaaaaaaaaaa';
  const people = ['usr_annaaaaaaaaaaaaa', 'usr_benaaaaaaaaaaaaa', 'usr_cyaaaaaaaaaaaaaa'];
  const projects = ['prj_oneaaaaaaaaaaaaa', 'prj_twoaaaaaaaaaaaaa'];
  // Details kept the same for every action: the pages look at the filtered fields only.
  const spec = (i: number, pad = ''): EventSpec =>
    ({
      action: (['db.statement', 'db.statement.result', 'project.cluster.restart'] as const)[i % 3],
      chain: MIXED,
      outcome: i % 5 === 0 ? ('failure' as const) : ('success' as const),
      target: { type: 'project' as const, id: projects[i % 2] as string, name: 'records' },
      details: { reason: `event ${i}${pad}` },
    }) as unknown as EventSpec;

  it('shows every matching event once, newest first, whatever the filter and page size', async () => {
    const { audit } = w.ward.services;
    const marks: string[] = [];
    // 600 events in 60 rounds: each round one person's batch of 8 through the gateway's writer
    // and two changes stored alone; the times of the rounds rise, and a few rounds share one.
    // Twenty rounds' batches are 320 kB each, so a page reads fewer of them ahead at a time.
    let i = 0;
    for (let round = 0; round < 60; round++) {
      const who = as(people[round % 3] as string);
      const pad = round >= 20 && round < 40 ? ` ${'x'.repeat(40_000)}` : '';
      await audit.append(
        who,
        Array.from({ length: 8 }, () => spec(i++, pad)),
      );
      await audit.record(who, [spec(i++), spec(i++)]);
      if (round % 4 === 0) {
        await new Promise((r) => setTimeout(r, 3));
        marks.push(new Date().toISOString());
        await new Promise((r) => setTimeout(r, 3));
      }
    }
    // Batches written before migration 0080 have no event index and are read whole: every third
    // batch here is made one (the others are read through their index by actor and project).
    await superuser(
      w,
      (c) =>
        c.query(
          `UPDATE ward.audit_batches SET event_index = NULL WHERE chain_id = $1 AND first_seq % 3 = 1`,
          [MIXED],
        ),
      { replica: true },
    );
    const { rows: kinds } = await sql<{ indexed: boolean; n: number }>`
      SELECT event_index IS NOT NULL AS indexed, count(*)::int AS n FROM ward.audit_batches
       WHERE chain_id = ${MIXED} GROUP BY 1 ORDER BY 1`.execute(w.ward.services.db);
    expect(kinds.map((k) => k.indexed)).toEqual([false, true]);
    // The expected answer, read independently: every event from the view that decodes batches in SQL.
    const { rows } = await sql<{ body: string; seq: string; batch: string | null }>`
      SELECT body, seq, batch FROM ward.audit_log WHERE chain_id = ${MIXED}`.execute(w.ward.services.db);
    expect(rows).toHaveLength(600);
    expect(rows.filter((r) => r.batch !== null)).toHaveLength(480);
    const all = rows
      .map((r) => ({ ...JSON.parse(r.body), seq: Number(r.seq) }))
      .sort((a, b) => b.time.localeCompare(a.time) || b.seq - a.seq);
    const reader = w.ward.services.auditReader;
    const since = marks[4] as string;
    const until = marks[11] as string;
    const cases: [Record<string, string>, (e: (typeof all)[number]) => boolean][] = [
      [{}, () => true],
      [{ actor: 'usr_benaaaaaaaaaaaaa' }, (e) => e.actor.id === 'usr_benaaaaaaaaaaaaa'],
      [{ project: 'prj_twoaaaaaaaaaaaaa' }, (e) => e.target.id === 'prj_twoaaaaaaaaaaaaa'],
      [{ action: 'db.statement' }, (e) => e.action === 'db.statement'],
      [{ action: 'db.*' }, (e) => e.action.startsWith('db.')],
      [{ outcome: 'failure' }, (e) => e.outcome === 'failure'],
      [{ since }, (e) => e.time >= since],
      [{ until }, (e) => e.time < until],
      [
        { actor: 'usr_cyaaaaaaaaaaaaaa', action: 'db.statement.result', since, until },
        (e) =>
          e.actor.id === 'usr_cyaaaaaaaaaaaaaa' &&
          e.action === 'db.statement.result' &&
          e.time >= since &&
          e.time < until,
      ],
    ];
    for (const [filter, keep] of cases) {
      const expected = all.filter(keep).map((e) => e.seq);
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      for (const limit of ['7', '50']) {
        const seen: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await reader.list(
            MIXED,
            listAuditQuery.parse({ ...filter, limit, ...(cursor ? { cursor } : {}) }),
          );
          seen.push(...page.events.map((e) => e.seq));
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        expect(seen, `${JSON.stringify(filter)} by ${limit}`).toEqual(expected);
      }
    }
    // One event by id, from a batch and from a row, with the proof that it is in the log.
    const batched = all.find((e) => e.action === 'db.statement') as { id: string; seq: number };
    expect((await reader.get(MIXED, batched.id)).seq).toBe(batched.seq);
    const proof = await reader.prove(MIXED, batched.id);
    expect(proof.leaf_index).toBe(batched.seq - 1);
    expect(JSON.parse(proof.event.body).id).toBe(batched.id);
  });
});
