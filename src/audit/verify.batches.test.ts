/**
 * Each kind of damage to events stored in batches (audit_batches: the gateway's events, written by
 * group commit), made with direct SQL as a superuser around the append-only trigger, in a chain
 * that mixes them with events stored one a row. The reports name the chain and the seq, as they
 * do for rows (verify.test.ts).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { rewriteChain } from '../../test/support/audit-damage.js';
import { controlConnection, superuser, useControlDb } from '../../test/support/control-db.js';
import { type Checkpoint, canonicalize, checkpointFromRow } from '../evidence/index.js';
import { SYSTEM } from '../lib/context.js';
import { decodeBatch, PayloadWriter } from './batch-codec.js';
import { sealerFor } from './seal.js';
import { verifyStoredChain } from './verify.db.js';

// Checkpoints only when a test asks, so each chain's checkpoints are exactly the test's.
const control = useControlDb({ checkpoints: { everyEvents: 1_000_000, everyMs: 86_400_000 } });

const event = (chain: string, i: number) => ({
  action: 'project.cluster.restart' as const,
  chain,
  target: { type: 'project' as const, id: 'prj_aaaaaaaaaaaaaaaa' },
  details: { reason: `exit ${i}` },
});

/**
 * A chain of 20 events with signed checkpoints at 10 and 20: events 1 and 11 stored alone (a
 * change's), 2–6, 7–10, 12–16 and 17–20 each one batch (one caller's events through the writer).
 */
async function mixedChain(chain: string): Promise<void> {
  const { audit, checkpointer } = control;
  const run = (from: number, to: number) =>
    audit.append(
      SYSTEM,
      Array.from({ length: to - from + 1 }, (_, k) => event(chain, from + k)),
    );
  await audit.record(SYSTEM, [event(chain, 1)]);
  await run(2, 6);
  await run(7, 10);
  await checkpointer.checkpoint(chain, true);
  await audit.record(SYSTEM, [event(chain, 11)]);
  await run(12, 16);
  await run(17, 20);
  await checkpointer.checkpoint(chain, true);
}

const verify = (chain: string, external: Checkpoint[] = []) =>
  verifyStoredChain(control.db, chain, control.signer.publicKeyPem, external, sealerFor(control.signer));

const bad = (chain: string, seq: number, damage: string) => ({
  ok: false,
  chain,
  first_bad_seq: seq,
  damage,
});

/** Rewrites the payload of the batch starting at `first` with `change` over its decoded events. */
async function editBatch(
  chain: string,
  first: number,
  change: (events: { body: string; prev: Buffer; hash: Buffer }[]) => void,
): Promise<void> {
  await superuser(
    control,
    async (c) => {
      const { rows } = await c.query(
        'SELECT payload FROM ward.audit_batches WHERE chain_id = $1 AND first_seq = $2',
        [chain, first],
      );
      const events = decodeBatch({ first_seq: first, payload: rows[0].payload }).map((e) => ({
        body: e.body.toString('utf8'),
        prev: Buffer.from(e.prev_hash),
        hash: Buffer.from(e.hash),
      }));
      change(events);
      const out = new PayloadWriter();
      for (const e of events) out.push(e.body, e.prev, e.hash);
      await c.query('UPDATE ward.audit_batches SET payload = $1 WHERE chain_id = $2 AND first_seq = $3', [
        out.finish(),
        chain,
        first,
      ]);
    },
    { replica: true },
  );
}

describe('verification of events stored in batches', () => {
  it('passes a chain that mixes events stored alone and in batches, counting every event', async () => {
    await mixedChain('org_bclean');
    expect(await verify('org_bclean')).toEqual({
      ok: true,
      chain: 'org_bclean',
      events: 20,
      checkpoints: 2,
      external_checkpoints: 0,
      first_bad_seq: null,
      damage: null,
      detail: null,
    });
    const stored = await superuser(
      control,
      async (c) =>
        (
          await c.query(
            `SELECT (SELECT count(*)::int FROM ward.audit_events WHERE chain_id = $1) AS alone,
                    (SELECT array_agg(first_seq || '-' || last_seq ORDER BY first_seq) FROM ward.audit_batches
                      WHERE chain_id = $1) AS batches`,
            ['org_bclean'],
          )
        ).rows[0],
    );
    expect(stored).toEqual({ alone: 2, batches: ['2-6', '7-10', '12-16', '17-20'] });
  });

  it('finds a modified event inside a batch', async () => {
    await mixedChain('org_bmod');
    await editBatch('org_bmod', 7, (events) => {
      const e = events[1] as { body: string };
      e.body = e.body.replace('exit 8', 'exit 9');
    });
    expect(await verify('org_bmod')).toMatchObject({
      ...bad('org_bmod', 8, 'modified'),
      detail: 'event 8 no longer matches its hash',
    });
  });

  it('finds an event rewritten and re-hashed inside a batch, by the link after it', async () => {
    await mixedChain('org_brehash');
    await editBatch('org_brehash', 12, (events) => {
      const e = events[1] as { body: string; prev: Buffer; hash: Buffer };
      e.body = e.body.replace('exit 13', 'exit 99');
      e.hash = createHash('sha256').update(e.prev).update(e.body).digest();
    });
    expect(await verify('org_brehash')).toMatchObject({
      ...bad('org_brehash', 13, 'modified'),
      detail: 'event 13 was rewritten: event 14 links to a different hash',
    });
  });

  it('finds a payload cut short', async () => {
    await mixedChain('org_bcut');
    await superuser(
      control,
      (c) =>
        c.query(
          `UPDATE ward.audit_batches SET payload = substring(payload FROM 1 FOR octet_length(payload) - 40)
            WHERE chain_id = 'org_bcut' AND first_seq = 2`,
        ),
      { replica: true },
    );
    expect(await verify('org_bcut')).toMatchObject(bad('org_bcut', 6, 'modified'));
  });

  it('finds a deleted batch', async () => {
    await mixedChain('org_bdel');
    await superuser(
      control,
      (c) => c.query(`DELETE FROM ward.audit_batches WHERE chain_id = 'org_bdel' AND first_seq = 7`),
      { replica: true },
    );
    expect(await verify('org_bdel')).toMatchObject({
      ...bad('org_bdel', 7, 'deleted'),
      detail: 'events 7–10 are missing',
    });
  });

  it('finds events reordered inside a batch', async () => {
    await mixedChain('org_breord');
    await editBatch('org_breord', 2, (events) => {
      const [a, b] = events.splice(2, 2);
      events.splice(2, 0, b as never, a as never);
    });
    expect(await verify('org_breord')).toMatchObject({
      ...bad('org_breord', 4, 'reordered'),
      detail: 'event 4 is intact but links to another event than 3: events were moved',
    });
  });

  it('finds a truncated chain by its head, and by its checkpoints when the head was fixed too', async () => {
    await mixedChain('org_btrunc');
    await superuser(
      control,
      (c) => c.query(`DELETE FROM ward.audit_batches WHERE chain_id = 'org_btrunc' AND first_seq = 17`),
      { replica: true },
    );
    expect(await verify('org_btrunc')).toMatchObject({
      ...bad('org_btrunc', 17, 'truncated'),
      detail: "Ward's records say the chain had 20 events; it ends at 16",
    });
    await superuser(
      control,
      (c) =>
        c.query(
          `UPDATE ward.audit_chains SET last_seq = 16, last_hash = (SELECT hash FROM ward.audit_log WHERE chain_id = 'org_btrunc' AND seq = 16) WHERE id = 'org_btrunc'`,
        ),
      { replica: true },
    );
    expect(await verify('org_btrunc')).toMatchObject(bad('org_btrunc', 17, 'truncated'));
  });

  it('finds a rollback of the whole database against a checkpoint held elsewhere', async () => {
    await mixedChain('org_broll');
    const held = await superuser(control, async (c) =>
      (
        await c.query(`SELECT * FROM ward.audit_checkpoints WHERE chain_id = 'org_broll' ORDER BY tree_size`)
      ).rows.map(checkpointFromRow),
    );
    await superuser(
      control,
      async (c) => {
        await c.query(`DELETE FROM ward.audit_events WHERE chain_id = 'org_broll' AND seq > 10`);
        await c.query(`DELETE FROM ward.audit_batches WHERE chain_id = 'org_broll' AND first_seq > 10`);
        await c.query(`DELETE FROM ward.audit_checkpoints WHERE chain_id = 'org_broll' AND tree_size > 10`);
        await c.query(
          `UPDATE ward.audit_chains SET last_seq = 10, last_hash = (SELECT hash FROM ward.audit_log WHERE chain_id = 'org_broll' AND seq = 10) WHERE id = 'org_broll'`,
        );
      },
      { replica: true },
    );
    expect((await verify('org_broll')).ok).toBe(true);
    expect(await verify('org_broll', held)).toMatchObject({
      ...bad('org_broll', 11, 'rolled_back'),
      detail:
        'a checkpoint held elsewhere covers 20 events; the chain ends at 10: the database was restored to an earlier state',
    });
  });

  it('finds a fork: history rewritten consistently, rows and batches, after a signed checkpoint', async () => {
    await mixedChain('org_bfork');
    await superuser(
      control,
      (c) =>
        rewriteChain(
          c,
          'org_bfork',
          (body) => canonicalize({ ...JSON.parse(body), details: { reason: 'nothing happened' } }),
          12,
        ),
      { replica: true },
    );
    expect(await verify('org_bfork')).toMatchObject({
      ...bad('org_bfork', 11, 'forked'),
      detail:
        'the signed checkpoint at size 20 disagrees with the events: history was rewritten after event 10',
    });
  });

  it('finds a fork: a second batch claiming the same seqs', async () => {
    await mixedChain('org_bdup');
    // A second, self-consistent batch 12–16 (its own times, bodies and hashes), as a forger would write it.
    await superuser(
      control,
      async (c) => {
        const { rows } = await c.query(
          `SELECT * FROM ward.audit_batches WHERE chain_id = 'org_bdup' AND first_seq = 12`,
        );
        const b = rows[0];
        const out = new PayloadWriter();
        let prev: Buffer | undefined;
        for (const e of decodeBatch({ first_seq: 12, payload: b.payload })) {
          const record = JSON.parse(e.body.toString('utf8'));
          const body = canonicalize({
            ...record,
            time: new Date(Date.parse(record.time) + 1000).toISOString(),
          });
          prev ??= Buffer.from(e.prev_hash);
          const hash = createHash('sha256').update(prev).update(body).digest();
          out.push(body, prev, hash);
          prev = hash;
        }
        await c.query(
          `INSERT INTO ward.audit_batches (chain_id, first_seq, last_seq, time_from, time_to, actor_ids, project_ids,
                                           actions, outcomes, payload, seal)
           VALUES ($1, 12, 16, $2::timestamptz + interval '1 second', $3::timestamptz + interval '1 second',
                   $4, $5, $6, $7, $8, $9)`,
          [
            'org_bdup',
            b.time_from,
            b.time_to,
            b.actor_ids,
            b.project_ids,
            b.actions,
            b.outcomes,
            out.finish(),
            b.seal,
          ],
        );
      },
      { replica: true },
    );
    expect(await verify('org_bdup')).toMatchObject({
      ...bad('org_bdup', 12, 'forked'),
      detail: 'two events claim seq 12',
    });
  });

  it('finds a batch appended after the last checkpoint that Ward did not write (no seal)', async () => {
    await mixedChain('org_bforge');
    await superuser(
      control,
      async (c) => {
        const { rows } = await c.query(
          `SELECT hash FROM ward.audit_log WHERE chain_id = 'org_bforge' AND seq = 20`,
        );
        const prev = rows[0].hash as Buffer;
        const body = canonicalize({ ...event('org_bforge', 21), seq: 21, id: 'evt_forgedaaaaaaaaaaa' });
        const hash = createHash('sha256').update(prev).update(body).digest();
        const out = new PayloadWriter();
        out.push(body, prev, hash);
        await c.query(
          `INSERT INTO ward.audit_batches (chain_id, first_seq, last_seq, time_from, time_to, actor_ids, project_ids,
                                           actions, outcomes, payload, seal)
           VALUES ('org_bforge', 21, 21, now(), now(), '{}', '{}', '{}', '{}', $1, '\\x00')`,
          [out.finish()],
        );
        await c.query(`UPDATE ward.audit_chains SET last_seq = 21, last_hash = $1 WHERE id = 'org_bforge'`, [
          hash,
        ]);
      },
      { replica: true },
    );
    expect(await verify('org_bforge')).toMatchObject(bad('org_bforge', 21, 'unsealed'));
  });
});

describe('append-only batches', () => {
  it('refuses UPDATE, DELETE and TRUNCATE by trigger, even for the table owner; Ward may only add and read', async () => {
    await mixedChain('org_bappend');
    const owner = new pg.Client(controlConnection(control, 'ward_owner'));
    await owner.connect();
    try {
      for (const q of [
        `UPDATE ward.audit_batches SET payload = '' WHERE chain_id = 'org_bappend'`,
        `DELETE FROM ward.audit_batches WHERE chain_id = 'org_bappend'`,
        'TRUNCATE ward.audit_batches',
        'TRUNCATE ward.audit_batches_default',
      ])
        await expect(owner.query(q), q).rejects.toThrow(/the audit log is append-only/);
    } finally {
      await owner.end();
    }
    const app = new pg.Client(controlConnection(control, 'ward_app'));
    await app.connect();
    try {
      const { rows } = await app.query(
        `SELECT privilege_type FROM information_schema.role_table_grants
          WHERE grantee = 'ward_app' AND table_name = 'audit_batches' ORDER BY 1`,
      );
      expect(rows.map((r) => r.privilege_type)).toEqual(['INSERT', 'SELECT']);
      await expect(
        app.query(`DELETE FROM ward.audit_batches WHERE chain_id = 'org_bappend'`),
      ).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
  });
});
