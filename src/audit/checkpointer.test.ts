/**
 * The checkpointer signs only what Ward's writers wrote: each attack of the outside review (an
 * event appended at the tail by a superuser, history rewritten after deleting every checkpoint,
 * a corrupted compact range, a forged checkpoint), made with direct SQL around the append-only
 * triggers, and what Ward then signs, records and reports.
 */

import { createHash } from 'node:crypto';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { rewriteChain } from '../../test/support/audit-damage.js';
import { superuser, useControlDb } from '../../test/support/control-db.js';
import { canonicalize, OPERATOR_CHAIN } from '../evidence/index.js';
import { SYSTEM } from '../lib/context.js';
import { createLogger } from '../lib/logger.js';
import { type CheckpointRefusal, createCheckpointer } from './checkpointer.js';
import { sealerFor } from './seal.js';
import { verifyStoredChain } from './verify.db.js';

const control = useControlDb({ checkpoints: { everyEvents: 1_000_000, everyMs: 86_400_000 } });

/** A checkpointer as Ward wires it, whose alerts the test collects. */
function checkpointerWithAlerts() {
  const alerts: CheckpointRefusal[] = [];
  const checkpointer = createCheckpointer({
    db: control.db,
    signer: control.signer,
    sealer: sealerFor(control.signer),
    audit: control.audit,
    log: createLogger('silent'),
    policy: { everyEvents: 1_000_000, everyMs: 86_400_000 },
    alert: (r) => alerts.push(r),
  });
  return { checkpointer, alerts };
}

const event = (chain: string, i: number) => ({
  action: 'project.cluster.restart' as const,
  chain,
  target: { type: 'project' as const, id: 'prj_aaaaaaaaaaaaaaaa' },
  details: { reason: `exit ${i}` },
});

/** Events `from`..`to`, half through the group-commit writer and half through a change's transaction. */
async function write(chain: string, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) {
    if (i % 2) await control.audit.append(SYSTEM, [event(chain, i)]);
    else await control.audit.record(SYSTEM, [event(chain, i)]);
  }
}

const verify = (chain: string) =>
  verifyStoredChain(control.db, chain, control.signer.publicKeyPem, [], sealerFor(control.signer));

const sizes = async (chain: string) =>
  superuser(control, async (c) =>
    (
      await c.query(`SELECT tree_size FROM ward.audit_checkpoints WHERE chain_id = $1 ORDER BY tree_size`, [
        chain,
      ])
    ).rows.map((r) => Number(r.tree_size)),
  );

const refusalsRecorded = async (chain: string) =>
  superuser(control, async (c) =>
    (
      await c.query(
        `SELECT chain_id, body::jsonb->'details' AS details FROM ward.audit_events
          WHERE action = 'audit.checkpoint.refuse' AND body::jsonb->'target'->>'id' = $1 ORDER BY chain_id`,
        [chain],
      )
    ).rows.map((r) => ({ chain: r.chain_id as string, details: r.details as CheckpointRefusal })),
  );

/** What a superuser of the control database writes: a correctly linked event after the head, and the head moved. */
async function appendAsSuperuser(c: pg.Client, chain: string, reason: string): Promise<void> {
  const head = (await c.query(`SELECT last_seq, last_hash FROM ward.audit_chains WHERE id = $1`, [chain]))
    .rows[0];
  const seq = Number(head.last_seq) + 1;
  const time = new Date().toISOString();
  const fields = {
    chain,
    seq,
    id: `evt_forged${String(seq).padStart(10, '0')}`,
    time,
    action: 'project.cluster.restart',
    outcome: 'success',
    actor: { type: 'system', id: 'system' },
    target: { type: 'project', id: 'prj_aaaaaaaaaaaaaaaa' },
    details: { reason },
  };
  const body = canonicalize(fields);
  const hash = createHash('sha256').update(head.last_hash).update(body).digest();
  await c.query(
    `INSERT INTO ward.audit_events (chain_id, seq, id, time, action, outcome, actor_id, project_id, body, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, 'success', 'system', 'prj_aaaaaaaaaaaaaaaa', $6, $7, $8)`,
    [chain, seq, fields.id, time, fields.action, body, head.last_hash, hash],
  );
  await c.query(`UPDATE ward.audit_chains SET last_seq = $1, last_hash = $2 WHERE id = $3`, [
    seq,
    hash,
    chain,
  ]);
}

describe('the checkpointer signs only a head it can vouch for', () => {
  it("signs what Ward's writers wrote, through either path, and verification agrees", async () => {
    const chain = 'org_cpclean';
    const { checkpointer, alerts } = checkpointerWithAlerts();
    await write(chain, 1, 9);
    expect(await checkpointer.checkpoint(chain, true)).toBe(9);
    await write(chain, 10, 14);
    expect(await checkpointer.checkpoint(chain, true)).toBe(14);
    expect(await sizes(chain)).toEqual([9, 14]);
    expect(alerts).toEqual([]);
    expect(await verify(chain)).toMatchObject({ ok: true, events: 14, checkpoints: 2 });
  });

  it('lets checkpointers of one chain run at once (the timer, an export, another process): one checkpoint, no error', async () => {
    const chain = 'org_cpconcurrent';
    const { checkpointer } = checkpointerWithAlerts();
    const other = checkpointerWithAlerts().checkpointer;
    for (let round = 1; round <= 3; round++) {
      await write(chain, round * 10 - 9, round * 10);
      const made = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? other : checkpointer).checkpoint(chain, true)),
      );
      expect(made.filter((m) => m !== undefined).every((m) => m === round * 10)).toBe(true);
    }
    expect(await sizes(chain)).toEqual([10, 20, 30]);
  });

  it('refuses a correctly linked event a superuser appended at the tail, also after Ward appended more', async () => {
    const chain = 'org_cptail';
    const { checkpointer, alerts } = checkpointerWithAlerts();
    await write(chain, 1, 10);
    expect(await checkpointer.checkpoint(chain, true)).toBe(10);
    await superuser(control, (c) => appendAsSuperuser(c, chain, 'forged'), { replica: true });

    expect(await checkpointer.checkpoint(chain, true)).toBeUndefined();
    expect(await sizes(chain)).toEqual([10]);
    const refusal = {
      chain,
      head_seq: 11,
      first_bad_seq: 11,
      reason: 'events 11–11 were not written by Ward (no seal covers them)',
    };
    expect(alerts).toEqual([refusal]);
    // Recorded in the operator's chain and in the org's own, where its people read it.
    expect(await refusalsRecorded(chain)).toEqual([
      { chain: OPERATOR_CHAIN, details: refusal },
      { chain, details: refusal },
    ]);
    // The refusal's own event (seq 12) went into the chain; the finding is raised once, not at every tick.
    expect(await checkpointer.checkpoint(chain, true)).toBeUndefined();
    expect(alerts).toHaveLength(1);
    expect(await verify(chain)).toMatchObject({
      ok: false,
      first_bad_seq: 11,
      damage: 'unsealed',
      detail: refusal.reason,
    });

    // Ward's writer goes on after the forged head; its seal says which head it extended, so the
    // forged event is not laundered by what comes after it.
    await write(chain, 13, 15);
    expect(await checkpointer.checkpoint(chain, true)).toBeUndefined();
    expect(await sizes(chain)).toEqual([10]);
    expect(await verify(chain)).toMatchObject({ ok: false, first_bad_seq: 11, damage: 'unsealed' });
  });

  it('refuses history rewritten after every checkpoint was deleted', async () => {
    const chain = 'org_cprewrite';
    const { checkpointer, alerts } = checkpointerWithAlerts();
    await write(chain, 1, 8);
    expect(await checkpointer.checkpoint(chain, true)).toBe(8);
    await superuser(
      control,
      async (c) => {
        await c.query(`DELETE FROM ward.audit_checkpoints WHERE chain_id = $1`, [chain]);
        // Every event, in rows and in batches, rewritten and re-hashed into a consistent chain.
        await rewriteChain(c, chain, (body) =>
          canonicalize({ ...JSON.parse(body), details: { reason: 'nothing happened' } }),
        );
      },
      { replica: true },
    );
    // Without checkpoints the rewritten chain is self-consistent; only the seals tell.
    expect(await checkpointer.checkpoint(chain, true)).toBeUndefined();
    expect(await sizes(chain)).toEqual([]);
    expect(alerts).toMatchObject([{ chain, first_bad_seq: 1 }]);
    expect(alerts[0]?.reason).toMatch(/^the seal of events 1–\d+ does not match/);
    expect(await verify(chain)).toMatchObject({ ok: false, first_bad_seq: 1, damage: 'unsealed' });
  });

  it('rebuilds a corrupted compact range from the events instead of signing a wrong next checkpoint', async () => {
    const chain = 'org_cpfrontier';
    const { checkpointer, alerts } = checkpointerWithAlerts();
    await write(chain, 1, 11);
    expect(await checkpointer.checkpoint(chain, true)).toBe(11);
    await superuser(
      control,
      (c) =>
        c.query(
          `UPDATE ward.audit_checkpoints SET frontier = ARRAY[sha256('x'::bytea), sha256('y'::bytea), sha256('z'::bytea)]
            WHERE chain_id = $1 AND tree_size = 11`,
          [chain],
        ),
      { replica: true },
    );
    await write(chain, 12, 16);
    expect(await checkpointer.checkpoint(chain, true)).toBe(16);
    expect(alerts).toEqual([]);
    // Verification recomputes every signed root from the events: a wrong one would be a fork.
    expect(await verify(chain)).toMatchObject({ ok: true, events: 16, checkpoints: 2 });
  });

  it('builds on no checkpoint that does not carry its signature', async () => {
    const chain = 'org_cpforged';
    const { checkpointer, alerts } = checkpointerWithAlerts();
    await write(chain, 1, 6);
    expect(await checkpointer.checkpoint(chain, true)).toBe(6);
    await write(chain, 7, 9);
    await superuser(
      control,
      (c) =>
        c.query(
          `INSERT INTO ward.audit_checkpoints (chain_id, tree_size, root_hash, last_hash, time, key_id, signature, frontier)
           SELECT chain_id, 9, root_hash, (SELECT last_hash FROM ward.audit_chains WHERE id = $1), now(), key_id,
                  sha512('not a signature'::bytea), frontier
             FROM ward.audit_checkpoints WHERE chain_id = $1 AND tree_size = 6`,
          [chain],
        ),
      { replica: true },
    );
    await write(chain, 10, 10);
    expect(await checkpointer.checkpoint(chain, true)).toBeUndefined();
    expect(alerts).toEqual([
      { chain, head_seq: 10, first_bad_seq: 9, reason: "checkpoint 9 does not carry this Ward's signature" },
    ]);
  });

  it('vouches for events written before seals existed only in the one checkpoint made when they were introduced', async () => {
    const chain = 'org_cplegacy';
    const { checkpointer } = checkpointerWithAlerts();
    await write(chain, 1, 5);
    expect(await checkpointer.checkpoint(chain, true)).toBe(5);
    await write(chain, 6, 9);
    // As they were stored before migration 0063.
    await superuser(
      control,
      (c) => c.query(`UPDATE ward.audit_events SET seal = NULL WHERE chain_id = $1 AND seq > 5`, [chain]),
      { replica: true },
    );
    expect(await checkpointer.checkpoint(chain, true)).toBeUndefined();
    // The refusal's event is seq 10; the one checkpoint covers it and the unsealed ones before.
    expect(await checkpointer.checkpoint(chain, true, { unsealed: true })).toBe(10);
    await write(chain, 11, 13);
    expect(await checkpointer.checkpoint(chain, true)).toBe(13);
    expect(await verify(chain)).toMatchObject({ ok: true, events: 13, checkpoints: 3 });
  });
});
