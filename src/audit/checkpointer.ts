/**
 * @module audit/checkpointer
 * Writes a signed checkpoint for every chain that grew by `everyEvents` events, or that grew at
 * all and whose last checkpoint is older than `everyMs`. Each one extends the previous
 * checkpoint's compact range with only the new events' hashes, read in one repeatable-read
 * snapshot together with the chain head. Any Ward process may run it; a checkpoint for a size
 * that already has one is skipped.
 */
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { CompactRange, checkpointFromRow, leafHash, signCheckpoint } from '../evidence/index.js';
import type { Logger } from '../lib/logger.js';
import type { Signer } from '../lib/signing.js';

const BATCH = 20_000;

export interface CheckpointPolicy {
  everyEvents: number;
  everyMs: number;
}

export function createCheckpointer(deps: { db: Db; signer: Signer; log: Logger; policy: CheckpointPolicy }) {
  const { db, signer, log, policy } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  /** Checkpoints `chain` at its current head; returns the tree size, or undefined if none was due. */
  async function checkpoint(chain: string, force = false): Promise<number | undefined> {
    return db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        const head = await tx
          .selectFrom('audit_chains')
          .select(['last_seq'])
          .where('id', '=', chain)
          .executeTakeFirst();
        if (!head || Number(head.last_seq) === 0) return undefined;
        const last = await tx
          .selectFrom('audit_checkpoints')
          .select(['tree_size', 'frontier', 'time'])
          .where('chain_id', '=', chain)
          .orderBy('tree_size', 'desc')
          .limit(1)
          .executeTakeFirst();
        const size = Number(head.last_seq);
        const from = Number(last?.tree_size ?? 0);
        if (size <= from) return undefined;
        if (!force && size - from < policy.everyEvents) {
          // Due T seconds after the first event the last checkpoint does not cover.
          const oldest = await tx
            .selectFrom('audit_events')
            .select('time')
            .where('chain_id', '=', chain)
            .where('seq', '=', from + 1)
            .executeTakeFirst();
          if (!oldest || Date.now() - oldest.time.getTime() < policy.everyMs) return undefined;
        }
        const range = new CompactRange(from, last?.frontier ?? []);
        let lastHash: Buffer | undefined;
        for (let after = from; after < size; ) {
          const rows = await tx
            .selectFrom('audit_events')
            .select(['seq', 'hash'])
            .where('chain_id', '=', chain)
            .where('seq', '>', after)
            .where('seq', '<=', size)
            .orderBy('seq')
            .limit(BATCH)
            .execute();
          if (rows.length === 0) break;
          for (const r of rows) {
            if (Number(r.seq) !== range.size + 1) {
              log.error(
                { chain, expected: range.size + 1, found: Number(r.seq) },
                'audit chain has a gap; not checkpointing it (run ward audit verify)',
              );
              return undefined;
            }
            range.append(leafHash(r.hash));
            lastHash = r.hash;
          }
          after = Number(rows[rows.length - 1]?.seq);
        }
        if (range.size !== size || !lastHash) {
          log.error(
            { chain, head: size, found: range.size },
            'audit chain is shorter than its head; not checkpointing it (run ward audit verify)',
          );
          return undefined;
        }
        const cp = signCheckpoint(signer, {
          chain,
          tree_size: size,
          root_hash: range.root().toString('hex'),
          last_hash: lastHash.toString('hex'),
          time: new Date().toISOString(),
        });
        await tx
          .insertInto('audit_checkpoints')
          .values({
            chain_id: chain,
            tree_size: size,
            root_hash: Buffer.from(cp.root_hash, 'hex'),
            last_hash: lastHash,
            time: cp.time,
            key_id: cp.key_id,
            signature: Buffer.from(cp.signature, 'base64'),
            frontier: range.nodes,
          })
          .onConflict((oc) => oc.columns(['chain_id', 'tree_size']).doNothing())
          .execute();
        return size;
      });
  }

  /** Chains whose head is past their last checkpoint. */
  async function behind(): Promise<string[]> {
    const rows = await sql<{ id: string }>`
      SELECT c.id FROM audit_chains c
       WHERE c.last_seq > coalesce((SELECT max(tree_size) FROM audit_checkpoints k WHERE k.chain_id = c.id), 0)`.execute(
      db,
    );
    return rows.rows.map((r) => r.id);
  }

  async function tick(): Promise<void> {
    for (const chain of await behind()) {
      await checkpoint(chain).catch((err) => log.error({ err, chain }, 'checkpoint failed'));
    }
  }

  return {
    checkpoint,
    tick,
    start(intervalMs = 1_000) {
      timer = setInterval(() => {
        // While the control database is away even the list of chains behind fails: logged, and
        // the next tick tries again (an unhandled rejection here used to end the process).
        running ??= tick()
          .catch((err) => log.error({ err }, 'checkpoints could not be made; retrying'))
          .finally(() => {
            running = undefined;
          });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
    /** The latest checkpoint of a chain, if any. */
    async latest(chain: string) {
      const row = await db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .where('chain_id', '=', chain)
        .orderBy('tree_size', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? checkpointFromRow(row) : undefined;
    },
  };
}

export type Checkpointer = ReturnType<typeof createCheckpointer>;
