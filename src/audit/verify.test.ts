/**
 * Each kind of damage, made with direct SQL as a superuser around the append-only trigger, and
 * the exact report the verifier gives for it.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { controlConnection, superuser, useControlDb } from '../../test/support/control-db.js';
import { type Checkpoint, canonicalize, checkpointFromRow } from '../evidence/index.js';
import { SYSTEM } from '../lib/context.js';
import { verifyStoredChain } from './verify.db.js';

// Checkpoints only when a test asks, so each chain's checkpoints are exactly the test's.
const control = useControlDb({ checkpoints: { everyEvents: 1_000_000, everyMs: 86_400_000 } });

/** A chain of 20 events stored one a row (audit_events), with signed checkpoints at 10 and 20. Batches: verify.batches.test. */
async function chainOf20(chain: string): Promise<void> {
  const { audit, checkpointer } = control;
  const event = (i: number) => ({
    action: 'project.cluster.restart' as const,
    chain,
    target: { type: 'project' as const, id: 'prj_aaaaaaaaaaaaaaaa' },
    details: { reason: `exit ${i}` },
  });
  for (let i = 1; i <= 10; i++) await audit.record(SYSTEM, [event(i)]);
  await checkpointer.checkpoint(chain, true);
  for (let i = 11; i <= 20; i++) await audit.record(SYSTEM, [event(i)]);
  await checkpointer.checkpoint(chain, true);
}

const verify = (chain: string, external: Checkpoint[] = []) =>
  verifyStoredChain(control.db, chain, control.signer.publicKeyPem, external);

const bad = (chain: string, seq: number, damage: string) => ({
  ok: false,
  chain,
  first_bad_seq: seq,
  damage,
});

describe('verification', () => {
  it('passes an untouched chain, counting events and checkpoints', async () => {
    await chainOf20('org_vclean');
    expect(await verify('org_vclean')).toEqual({
      ok: true,
      chain: 'org_vclean',
      events: 20,
      checkpoints: 2,
      external_checkpoints: 0,
      first_bad_seq: null,
      damage: null,
      detail: null,
    });
  });

  it('finds a modified event', async () => {
    await chainOf20('org_vmod');
    await superuser(
      control,
      (c) =>
        c.query(
          `UPDATE ward.audit_events SET body = replace(body, 'exit 7', 'exit 8') WHERE chain_id = 'org_vmod' AND seq = 7`,
        ),
      { replica: true },
    );
    expect(await verify('org_vmod')).toMatchObject({
      ...bad('org_vmod', 7, 'modified'),
      detail: 'event 7 no longer matches its hash',
    });
  });

  it('finds a column changed beside an intact record, once the database guarantee was removed to change it', async () => {
    await chainOf20('org_vcol');
    // The database refuses the change itself, even to a superuser skipping triggers.
    await expect(
      superuser(
        control,
        (c) =>
          c.query(
            `UPDATE ward.audit_events SET action = 'auth.logout' WHERE chain_id = 'org_vcol' AND seq = 5`,
          ),
        { replica: true },
      ),
    ).rejects.toThrow(/audit_events_columns_match/);
    await superuser(
      control,
      async (c) => {
        await c.query('ALTER TABLE ward.audit_events DROP CONSTRAINT audit_events_columns_match');
        await c.query(
          `UPDATE ward.audit_events SET action = 'auth.logout' WHERE chain_id = 'org_vcol' AND seq = 5`,
        );
      },
      { replica: true },
    );
    const report = {
      ...bad('org_vcol', 5, 'modified'),
      detail: "event 5's action column differs from its hashed record",
    };
    expect(await verify('org_vcol')).toMatchObject(report);
    // Putting the constraint back without checking existing rows does not hide it.
    await superuser(
      control,
      (c) =>
        c.query(
          'ALTER TABLE ward.audit_events ADD CONSTRAINT audit_events_columns_match CHECK (ward.audit_columns_match(body::jsonb, chain_id, seq, id, time, action, outcome, actor_id, project_id)) NOT VALID',
        ),
      { replica: true },
    );
    expect(await verify('org_vcol')).toMatchObject(report);
    // Undo, so the guarantee holds again for the tests that follow.
    await superuser(
      control,
      async (c) => {
        await c.query(
          `UPDATE ward.audit_events SET action = 'project.cluster.restart' WHERE chain_id = 'org_vcol' AND seq = 5`,
        );
        await c.query('ALTER TABLE ward.audit_events VALIDATE CONSTRAINT audit_events_columns_match');
      },
      { replica: true },
    );
    expect((await verify('org_vcol')).ok).toBe(true);
  });

  it('finds an event rewritten and re-hashed, by the broken link after it', async () => {
    await chainOf20('org_vrehash');
    await superuser(
      control,
      async (c) => {
        const { rows } = await c.query(
          `SELECT body, prev_hash FROM ward.audit_events WHERE chain_id = 'org_vrehash' AND seq = 12`,
        );
        const body = rows[0].body.replace('exit 12', 'exit 99');
        const hash = createHash('sha256').update(rows[0].prev_hash).update(body).digest();
        await c.query(
          `UPDATE ward.audit_events SET body = $1, hash = $2 WHERE chain_id = 'org_vrehash' AND seq = 12`,
          [body, hash],
        );
      },
      { replica: true },
    );
    expect(await verify('org_vrehash')).toMatchObject({
      ...bad('org_vrehash', 12, 'modified'),
      detail: 'event 12 was rewritten: event 13 links to a different hash',
    });
  });

  it('finds a deleted event', async () => {
    await chainOf20('org_vdel');
    await superuser(
      control,
      (c) => c.query(`DELETE FROM ward.audit_events WHERE chain_id = 'org_vdel' AND seq = 9`),
      { replica: true },
    );
    expect(await verify('org_vdel')).toMatchObject({
      ...bad('org_vdel', 9, 'deleted'),
      detail: 'events 9 are missing',
    });
  });

  it('finds reordered events', async () => {
    await chainOf20('org_vreord');
    await superuser(
      control,
      (c) =>
        c.query(
          // Moving events breaks the columns guarantee, so a forger removes it first.
          `ALTER TABLE ward.audit_events DROP CONSTRAINT audit_events_columns_match;
         UPDATE ward.audit_events SET seq = -14 WHERE chain_id = 'org_vreord' AND seq = 14;
         UPDATE ward.audit_events SET seq = 14 WHERE chain_id = 'org_vreord' AND seq = 15;
         UPDATE ward.audit_events SET seq = 15 WHERE chain_id = 'org_vreord' AND seq = -14`,
        ),
      { replica: true },
    );
    expect(await verify('org_vreord')).toMatchObject({
      ...bad('org_vreord', 14, 'reordered'),
      detail: 'event 14 is intact but links to another event than 13: events were moved',
    });
  });

  it('finds a truncated chain by its head, and by its checkpoints when the head was fixed too', async () => {
    await chainOf20('org_vtrunc');
    await superuser(
      control,
      (c) => c.query(`DELETE FROM ward.audit_events WHERE chain_id = 'org_vtrunc' AND seq > 16`),
      { replica: true },
    );
    expect(await verify('org_vtrunc')).toMatchObject({
      ...bad('org_vtrunc', 17, 'truncated'),
      detail: "Ward's records say the chain had 20 events; it ends at 16",
    });
    await superuser(
      control,
      (c) =>
        c.query(
          `UPDATE ward.audit_chains SET last_seq = 16, last_hash = (SELECT hash FROM ward.audit_events WHERE chain_id = 'org_vtrunc' AND seq = 16) WHERE id = 'org_vtrunc'`,
        ),
      { replica: true },
    );
    expect(await verify('org_vtrunc')).toMatchObject(bad('org_vtrunc', 17, 'truncated'));
  });

  it('finds a rollback of the whole database against a checkpoint held elsewhere', async () => {
    await chainOf20('org_vroll');
    const held = await superuser(
      control,
      async (c) =>
        (
          await c.query(
            `SELECT * FROM ward.audit_checkpoints WHERE chain_id = 'org_vroll' ORDER BY tree_size`,
          )
        ).rows.map(checkpointFromRow),
      { replica: true },
    );
    // What a restore of yesterday's backup looks like: events, head and checkpoints all at 10.
    await superuser(
      control,
      async (c) => {
        await c.query(`DELETE FROM ward.audit_events WHERE chain_id = 'org_vroll' AND seq > 10`);
        await c.query(`DELETE FROM ward.audit_checkpoints WHERE chain_id = 'org_vroll' AND tree_size > 10`);
        await c.query(
          `UPDATE ward.audit_chains SET last_seq = 10, last_hash = (SELECT hash FROM ward.audit_events WHERE chain_id = 'org_vroll' AND seq = 10) WHERE id = 'org_vroll'`,
        );
      },
      { replica: true },
    );
    expect((await verify('org_vroll')).ok).toBe(true);
    expect(await verify('org_vroll', held)).toMatchObject({
      ...bad('org_vroll', 11, 'rolled_back'),
      external_checkpoints: 2,
      detail:
        'a checkpoint held elsewhere covers 20 events; the chain ends at 10: the database was restored to an earlier state',
    });
  });

  it('finds a fork: history rewritten consistently after a signed checkpoint', async () => {
    await chainOf20('org_vfork');
    await superuser(
      control,
      async (c) => {
        const { rows } = await c.query(
          `SELECT seq, body, prev_hash, hash FROM ward.audit_events WHERE chain_id = 'org_vfork' ORDER BY seq`,
        );
        let prev: Buffer = rows[12].prev_hash;
        for (const r of rows.slice(12)) {
          const event = JSON.parse(r.body);
          event.details = { reason: 'nothing happened' };
          const body = canonicalize(event);
          const hash = createHash('sha256').update(prev).update(body).digest();
          await c.query(
            `UPDATE ward.audit_events SET body = $1, prev_hash = $2, hash = $3 WHERE chain_id = 'org_vfork' AND seq = $4`,
            [body, prev, hash, r.seq],
          );
          prev = hash;
        }
        await c.query(`UPDATE ward.audit_chains SET last_hash = $1 WHERE id = 'org_vfork'`, [prev]);
      },
      { replica: true },
    );
    expect(await verify('org_vfork')).toMatchObject({
      ...bad('org_vfork', 11, 'forked'),
      detail:
        'the signed checkpoint at size 20 disagrees with the events: history was rewritten after event 10',
    });
  });

  it('finds a fork: two events claiming one seq', async () => {
    await chainOf20('org_vdup');
    // A second, self-consistent event 6 (its own time, body and hash), as a forger would write it.
    await superuser(
      control,
      async (c) => {
        const { rows } = await c.query(
          `SELECT * FROM ward.audit_events WHERE chain_id = 'org_vdup' AND seq = 6`,
        );
        const r = rows[0];
        const time = new Date(r.time.getTime() + 1000).toISOString();
        const body = canonicalize({ ...JSON.parse(r.body), time });
        const hash = createHash('sha256').update(r.prev_hash).update(body).digest();
        await c.query(
          `INSERT INTO ward.audit_events (chain_id, seq, id, time, action, outcome, actor_id, project_id, body, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            r.chain_id,
            r.seq,
            r.id,
            time,
            r.action,
            r.outcome,
            r.actor_id,
            r.project_id,
            body,
            r.prev_hash,
            hash,
          ],
        );
      },
      { replica: true },
    );
    expect(await verify('org_vdup')).toMatchObject({
      ...bad('org_vdup', 6, 'forked'),
      detail: 'two events claim seq 6',
    });
  });

  it('finds a checkpoint whose signature was tampered with', async () => {
    await chainOf20('org_vsig');
    await superuser(
      control,
      (c) =>
        c.query(
          `UPDATE ward.audit_checkpoints SET root_hash = decode(repeat('00', 32), 'hex') WHERE chain_id = 'org_vsig' AND tree_size = 10`,
        ),
      { replica: true },
    );
    expect(await verify('org_vsig')).toMatchObject({
      ...bad('org_vsig', 10, 'modified'),
      detail: 'the checkpoint at size 10 does not carry a valid signature for chain org_vsig',
    });
  });
});

describe('append-only storage', () => {
  it('refuses UPDATE, DELETE and TRUNCATE by trigger, even for the table owner', async () => {
    await chainOf20('org_vappend');
    const c = new pg.Client(controlConnection(control, 'ward_owner'));
    await c.connect();
    try {
      for (const q of [
        `UPDATE ward.audit_events SET action = 'x' WHERE chain_id = 'org_vappend'`,
        `DELETE FROM ward.audit_events WHERE chain_id = 'org_vappend'`,
        'TRUNCATE ward.audit_events',
        'TRUNCATE ward.audit_events_default',
        `DELETE FROM ward.audit_checkpoints WHERE chain_id = 'org_vappend'`,
      ]) {
        await expect(c.query(q), q).rejects.toThrow(/the audit log is append-only/);
      }
    } finally {
      await c.end();
    }
  });

  it('gives Ward’s runtime role only INSERT and SELECT on the log', async () => {
    const c = new pg.Client(controlConnection(control, 'ward_app'));
    await c.connect();
    try {
      const { rows } = await c.query(
        `SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = 'ward_app' AND table_name = 'audit_events' ORDER BY 1`,
      );
      expect(rows.map((r) => r.privilege_type)).toEqual(['INSERT', 'SELECT']);
      const certs = await c.query(
        `SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = 'ward_app' AND table_name = 'destruction_certificates' ORDER BY 1`,
      );
      expect(certs.rows.map((r) => r.privilege_type)).toEqual(['INSERT', 'SELECT']);
      await expect(c.query(`DELETE FROM ward.audit_events WHERE chain_id = 'org_vappend'`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(c.query(`UPDATE ward.audit_checkpoints SET key_id = 'x'`)).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await c.end();
    }
  });

  it('holds the chain to what witnesses cosigned: a root that differs, a size beyond its end', async () => {
    await chainOf20('org_vwit');
    const roots = await superuser(control, async (c) =>
      (
        await c.query<{ tree_size: string; root_hash: Buffer }>(
          'SELECT tree_size, root_hash FROM ward.audit_checkpoints WHERE chain_id = $1 ORDER BY tree_size',
          ['org_vwit'],
        )
      ).rows.map((r) => r.root_hash.toString('hex')),
    );
    const at = (tree_size: number, root_hash: string) => ({
      tree_size,
      root_hash,
      witness: 'clinic-it',
      timestamp: 1,
    });
    const witnessed = (w: ReturnType<typeof at>[]) =>
      verifyStoredChain(control.db, 'org_vwit', control.signer.publicKeyPem, [], undefined, w);
    expect(await witnessed([at(10, roots[0] as string), at(20, roots[1] as string)])).toMatchObject({
      ok: true,
    });
    expect(await witnessed([at(10, roots[0] as string), at(20, 'ab'.repeat(32))])).toMatchObject({
      ...bad('org_vwit', 11, 'forked'),
      detail:
        'witness clinic-it cosigned another root for the first 20 events: events 11–20 were rolled back or rewritten after it cosigned them',
    });
    expect(await witnessed([at(25, 'ab'.repeat(32))])).toMatchObject({
      ...bad('org_vwit', 21, 'rolled_back'),
      detail:
        'witness clinic-it cosigned 25 events; the chain ends at 20: events 21–25 were rolled back (the database was restored to an earlier state)',
    });
  });
});
