import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { controlConnection, superuser, useControlDb } from '../../test/support/control-db.js';
import { chainHash, GENESIS_HASH } from '../evidence/index.js';
import { SYSTEM } from '../lib/context.js';

const control = useControlDb();

const statement = (i: number) => ({
  action: 'project.cluster.restart' as const,
  chain: 'org_writertestaaaaaaa',
  target: { type: 'project' as const, id: 'prj_aaaaaaaaaaaaaaaa' },
  details: { reason: `event ${i}` },
});

describe('the batched audit writer', () => {
  it('commits concurrent callers into one gapless chain that recomputes, interleaved with changes', async () => {
    const { audit } = control;
    const callers = Array.from({ length: 40 }, (_, i) =>
      audit.append(SYSTEM, [statement(i), statement(i + 1000)]),
    );
    const change = audit.mutate(
      SYSTEM,
      { ...statement(-1), chain: 'org_writertestaaaaaaa' },
      async () => 'changed',
    );
    await Promise.all([...callers, change]);
    const rows = await superuser(
      control,
      async (c) =>
        (
          await c.query(
            "SELECT *, coalesce(batch::text, 'alone') AS tx FROM ward.audit_log WHERE chain_id = 'org_writertestaaaaaaa' ORDER BY seq",
          )
        ).rows,
    );
    expect(rows).toHaveLength(81);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 81 }, (_, i) => i + 1));
    let prev: Buffer = GENESIS_HASH;
    for (const r of rows) {
      r.details = JSON.parse(r.body).details;
      expect(r.prev_hash.equals(prev)).toBe(true);
      // The hash recomputed from the columns (and the record's own actor/target/details).
      const { actor, target, details } = JSON.parse(r.body);
      const hash = chainHash(prev, {
        chain: r.chain_id,
        seq: Number(r.seq),
        id: r.id,
        time: r.time.toISOString(),
        action: r.action,
        outcome: r.outcome,
        actor,
        target,
        details,
      });
      expect(hash.equals(r.hash)).toBe(true);
      prev = hash;
    }
    // Group commit: the 40 callers' events went in as fewer batches than callers, each caller's
    // two events in the same one; the change's event is stored alone, in the same chain.
    const txs = new Set(rows.filter((r) => r.tx !== 'alone').map((r) => r.tx));
    expect(txs.size).toBeLessThan(20);
    expect(rows.filter((r) => r.tx === 'alone').map((r) => r.details.reason)).toEqual(['event -1']);
    for (const r of rows.filter(
      (x) => /^event \d+$/.test(x.details.reason) && Number(x.details.reason.slice(6)) < 40,
    )) {
      const twin = rows.find((x) => x.details.reason === `event ${Number(r.details.reason.slice(6)) + 1000}`);
      expect(twin.tx).toBe(r.tx);
    }
  });

  it('rejects, never resolves, when the events cannot be written', async () => {
    const { audit } = control;
    await superuser(control, (c) => c.query('REVOKE INSERT ON ward.audit_batches FROM ward_app'));
    try {
      await expect(audit.append(SYSTEM, [statement(1)])).rejects.toThrow(/audit log could not be written/);
    } finally {
      await superuser(control, (c) => c.query('GRANT INSERT ON ward.audit_batches TO ward_app'));
    }
    await expect(audit.append(SYSTEM, [statement(2)])).resolves.toBeUndefined();
  });

  it('writes every caller that arrives during a write in the one write after it', async () => {
    const { audit } = control;
    const chain = 'org_writerwaitaaaaaa';
    const ev = (reason: string) => ({ ...statement(0), chain, details: { reason } });
    await audit.append(SYSTEM, [ev('first')]);
    // Holds the chain's head, so the next write waits inside PostgreSQL until this commits.
    const holder = new pg.Client(controlConnection(control));
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM ward.audit_chains WHERE id = $1 FOR UPDATE', [chain]);
      const a = audit.append(SYSTEM, [ev('a')]);
      await expect
        .poll(
          async () =>
            (
              await holder.query(
                "SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'",
              )
            ).rows[0].n,
        )
        .toBeGreaterThan(0);
      // Callers one after another while a's write waits: they must not be split across writes.
      const later: Promise<void>[] = [];
      for (const name of ['b', 'c', 'd']) {
        later.push(audit.append(SYSTEM, [ev(name)]));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await holder.query('COMMIT');
      await Promise.all([a, ...later]);
    } finally {
      await holder.end();
    }
    const rows = await superuser(
      control,
      async (c) =>
        (
          await c.query(
            "SELECT seq, body::jsonb->'details'->>'reason' AS reason, batch AS tx FROM ward.audit_log WHERE chain_id = $1 ORDER BY seq",
            [chain],
          )
        ).rows,
    );
    expect(rows.map((r) => r.reason)).toEqual(['first', 'a', 'b', 'c', 'd']);
    const tx = Object.fromEntries(rows.map((r) => [r.reason, r.tx]));
    expect(tx.b).not.toBe(tx.a);
    expect(new Set([tx.b, tx.c, tx.d]).size).toBe(1);
  });
});

describe('the batches the writer makes', () => {
  it('keeps the events of one batch within a second of each other, so readers can bound their search', async () => {
    const { audit } = control;
    const chain = 'org_writerspanaaaaaa';
    const ev = (reason: string) => ({ ...statement(0), chain, details: { reason } });
    await audit.append(SYSTEM, [ev('first')]);
    const holder = new pg.Client(controlConnection(control));
    await holder.connect();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM ward.audit_chains WHERE id = $1 FOR UPDATE', [chain]);
      const waiting = [audit.append(SYSTEM, [ev('held')])];
      // Three callers queue behind the held write: two at one time, one 1.5 s of clock later.
      vi.setSystemTime(Date.now() + 5);
      waiting.push(audit.append(SYSTEM, [ev('a')]), audit.append(SYSTEM, [ev('b')]));
      vi.setSystemTime(Date.now() + 1_500);
      waiting.push(audit.append(SYSTEM, [ev('late')]));
      await new Promise((resolve) => setImmediate(resolve));
      await holder.query('COMMIT');
      await Promise.all(waiting);
    } finally {
      vi.useRealTimers();
      await holder.end();
    }
    const batches = await superuser(
      control,
      async (c) =>
        (
          await c.query(
            `SELECT array_agg(e.body::jsonb->'details'->>'reason' ORDER BY e.seq) AS reasons,
                    extract(epoch FROM b.time_to - b.time_from) * 1000 AS span_ms
               FROM ward.audit_batches b, ward.audit_batch_events(b.first_seq, b.payload) e
              WHERE b.chain_id = $1 GROUP BY b.first_seq, b.time_to, b.time_from ORDER BY b.first_seq`,
            [chain],
          )
        ).rows,
    );
    // However the first ones were grouped, the late caller went alone, after them.
    expect(batches.flatMap((b) => b.reasons)).toEqual(['first', 'held', 'a', 'b', 'late']);
    expect(batches.at(-1)?.reasons).toEqual(['late']);
    expect(batches.find((b) => b.reasons.includes('a'))?.reasons).toContain('b');
    for (const b of batches) expect(Number(b.span_ms)).toBeLessThanOrEqual(1_000);
  });
});

describe('a chain busy with changes', () => {
  it('does not starve the writer: a batch that lost the head once goes in under its lock', async () => {
    const { audit } = control;
    const chain = 'org_writerbusyaaaaaa';
    const ev = (reason: string) => ({ ...statement(0), chain, details: { reason } });
    // Changes one after another, each locking the head the moment the last one committed.
    let changing = true;
    let changes = 0;
    const stream = (async () => {
      while (changing) {
        await audit.record(
          SYSTEM,
          Array.from({ length: 20 }, (_, i) => ev(`change ${changes}.${i}`)),
        );
        changes += 1;
      }
    })();
    try {
      await Promise.all(
        Array.from({ length: 20 }, async (_, c) => {
          for (let k = 0; k < 20; k++) await audit.append(SYSTEM, [ev(`append ${c}.${k}`)]);
        }),
      );
    } finally {
      changing = false;
      await stream;
    }
    expect(changes).toBeGreaterThan(5);
    const rows = await superuser(
      control,
      async (c) =>
        (
          await c.query(
            "SELECT seq, body::jsonb->'details'->>'reason' AS reason FROM ward.audit_log WHERE chain_id = $1 ORDER BY seq",
            [chain],
          )
        ).rows,
    );
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    expect(rows.filter((r) => r.reason.startsWith('append')).length).toBe(400);
    expect(rows.length).toBe(400 + 20 * changes);
  });
});

describe('two writers on one chain (as two processes would be)', () => {
  it('stay gapless: a writer whose cached head went stale re-reads it and re-hashes', async () => {
    const { createDb, createPool } = await import('../db/pool.js');
    const { createAuditService } = await import('./audit.service.js');
    const { sealerFor } = await import('./seal.js');
    const pool = createPool({
      connection: controlConnection(control, 'ward_app'),
      applicationName: 'second-writer',
    });
    // A second Ward process: its own pool, the same signing key.
    const other = createAuditService({ db: createDb(pool), sealer: sealerFor(control.signer) });
    const mine = control.audit;
    const ev = (who: string, i: number) => ({
      ...statement(i),
      chain: 'org_twowritersaaaa',
      details: { reason: `${who} ${i}` },
    });
    try {
      await Promise.all([
        ...Array.from({ length: 60 }, (_, i) => mine.append(SYSTEM, [ev('a', i)])),
        ...Array.from({ length: 60 }, (_, i) => other.append(SYSTEM, [ev('b', i)])),
        ...Array.from({ length: 5 }, (_, i) => mine.mutate(SYSTEM, ev('m', i), async () => undefined)),
      ]);
    } finally {
      await pool.end();
    }
    const rows = await superuser(
      control,
      async (c) =>
        (
          await c.query(
            "SELECT seq, body, prev_hash, hash FROM ward.audit_log WHERE chain_id = 'org_twowritersaaaa' ORDER BY seq",
          )
        ).rows,
    );
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 125 }, (_, i) => i + 1));
    let prev: Buffer = GENESIS_HASH;
    for (const r of rows) {
      expect(r.prev_hash.equals(prev)).toBe(true);
      const { createHash } = await import('node:crypto');
      expect(createHash('sha256').update(prev).update(r.body).digest().equals(r.hash)).toBe(true);
      prev = r.hash;
    }
  });
});
