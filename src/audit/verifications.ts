/**
 * @module audit/verifications
 * When each chain was last verified and what the verification found. Every verification records
 * its result (a person's, through the reader, and Ward's own): "the chain was verified within the
 * last 24 hours" is then something Ward can show (the compliance center's audit controls).
 * Ward verifies by itself every chain that nobody verified for `dueAfterMs` (12 hours), looking
 * every 10 minutes (one cheap query; a new org's chain is verified soon after its first events),
 * one chain at a time, so a day never passes without a verification of every chain.
 */
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { VerifyReport } from '../evidence/index.js';
import type { Logger } from '../lib/logger.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Records `report` as its chain's latest verification (one row per chain, replaced). */
export async function recordVerification(db: Db, report: VerifyReport, at = new Date()): Promise<void> {
  const row = {
    verified_at: at,
    ok: report.ok,
    events: report.events,
    first_bad_seq: report.first_bad_seq,
    damage: report.damage,
    detail: report.detail?.slice(0, 2000) ?? null,
  };
  await db
    .insertInto('audit_verifications')
    .values({ chain_id: report.chain, ...row })
    .onConflict((oc) => oc.column('chain_id').doUpdateSet(row))
    .execute();
}

export function createChainVerifier(deps: {
  db: Db;
  /** Verifies one chain and records the result (the reader's `verify`). */
  verify: (chain: string) => Promise<VerifyReport>;
  log: Logger;
  /** A chain is verified again once its last verification is this old. */
  dueAfterMs?: number;
  /** How often Ward looks for chains due. */
  everyMs?: number;
}) {
  const { db, log } = deps;
  const dueAfterMs = deps.dueAfterMs ?? 12 * HOUR;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<string[]> | undefined;
  let stopped = false;

  /** Chains never verified, or not since `dueAfterMs`, oldest verification first. */
  async function due(): Promise<string[]> {
    const { rows } = await sql<{ id: string }>`
      SELECT c.id FROM audit_chains c LEFT JOIN audit_verifications v ON v.chain_id = c.id
       WHERE v.verified_at IS NULL OR v.verified_at < now() - make_interval(secs => ${dueAfterMs / 1000})
       ORDER BY v.verified_at NULLS FIRST`.execute(db);
    return rows.map((r) => r.id);
  }

  /** Verifies every chain due; returns those verified. A failure is logged, and the next chain goes on. */
  function runDue(): Promise<string[]> {
    running ??= (async () => {
      const done: string[] = [];
      try {
        for (const chain of await due()) {
          if (stopped) break;
          const report = await deps.verify(chain).catch((err: Error) => {
            log.error({ chain, err: err.message }, 'verifying an audit chain failed; retrying in 10 minutes');
          });
          if (!report) continue;
          done.push(chain);
          if (!report.ok)
            log.error(
              { chain, first_bad_seq: report.first_bad_seq, damage: report.damage },
              'the audit chain failed verification',
            );
        }
      } catch (err) {
        log.error({ err: (err as Error).message }, 'looking for audit chains to verify failed');
      } finally {
        running = undefined;
      }
      return done;
    })();
    return running;
  }

  return {
    runDue,
    start(): void {
      stopped = false;
      timer = setInterval(() => void runDue(), deps.everyMs ?? 10 * MINUTE);
      timer.unref();
      void runDue();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

export type ChainVerifier = ReturnType<typeof createChainVerifier>;
