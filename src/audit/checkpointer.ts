/**
 * @module audit/checkpointer
 * Writes a signed checkpoint for every chain that grew by `everyEvents` events, or that grew at
 * all and whose last checkpoint is older than `everyMs`, and signs only a head it can vouch for
 * (audit/vouch): the last checkpoint must carry Ward's own signature, its stored compact range
 * must give its signed root (or is rebuilt from the events when it does not), and every event
 * since is re-hashed from its body, linked, and covered by the seals Ward's writers left. When
 * any of that fails it signs nothing for the chain, logs the reason, records
 * `audit.checkpoint.refuse` and raises the org's alert, once per finding. Everything is read in one
 * repeatable-read snapshot. Any Ward process may run it; a checkpoint for a size that already has
 * one is skipped.
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../db/index.js';
import {
  CompactRange,
  checkpointFromRow,
  checkpointSignatureValid,
  GENESIS_HASH,
  leafHash,
  OPERATOR_CHAIN,
  signCheckpoint,
} from '../evidence/index.js';
import { SYSTEM } from '../lib/context.js';
import type { Logger } from '../lib/logger.js';
import type { Signer } from '../lib/signing.js';
import type { AuditService } from './audit.service.js';
import { eventTime } from './batches.db.js';
import { anchorOf, storedRows } from './chain-rows.db.js';
import type { Sealer } from './seal.js';
import { type Vouch, vouchForTail } from './vouch.js';

export interface CheckpointPolicy {
  everyEvents: number;
  everyMs: number;
}

/** What the checkpointer found and would not sign; `alert` passes it on to the org's people. */
export interface CheckpointRefusal {
  chain: string;
  head_seq: number;
  first_bad_seq: number;
  reason: string;
}

type Start = { ok: true; range: CompactRange; hash: Buffer } | { ok: false; seq: number; reason: string };

const bits = (n: number) => n.toString(2).replace(/0/g, '').length;

/** A chain's newest stored checkpoint row, as stored (not yet checked). */
const lastCheckpoint = (q: Db | Tx, chain: string) =>
  q
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('chain_id', '=', chain)
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();

export function createCheckpointer(deps: {
  db: Db;
  signer: Signer;
  sealer: Sealer;
  audit: AuditService;
  log: Logger;
  policy: CheckpointPolicy;
  /** Raises a refusal where people see it (the org's alert webhook); never throws. */
  alert?: (refusal: CheckpointRefusal) => void;
}) {
  const { db, signer, sealer, log, policy } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  /** The first bad seq last raised per chain, so a finding is reported once, not every tick. */
  const raised = new Map<string, string>();

  /** A stored checkpoint row is Ward's: signed by its key, over the fields as stored. */
  function signedByWard(row: Parameters<typeof checkpointFromRow>[0]): boolean {
    const cp = checkpointFromRow(row);
    return cp.key_id === signer.keyId && checkpointSignatureValid(cp, signer.publicKeyPem);
  }

  /** The compact range `frontier` claims for `size` leaves, if it gives `root`. */
  function rangeIfRoot(size: number, frontier: Buffer[] | null | undefined, root: Buffer) {
    const nodes = frontier ?? [];
    if (nodes.length !== bits(size) || nodes.some((n) => n.length !== 32)) return undefined;
    const range = new CompactRange(size, [...nodes]);
    return range.root().equals(root) ? range : undefined;
  }

  /**
   * The compact range of the chain's first `size` events, rebuilt from their stored hashes after
   * the anchor (retention's cut, itself checked against the signed checkpoint it was made at).
   */
  async function rebuildRange(tx: Tx, chain: string, size: number): Promise<CompactRange | undefined> {
    const anchor = await anchorOf(tx, chain);
    let range = new CompactRange();
    if (anchor) {
      const at = Number(anchor.seq);
      const cp = await tx
        .selectFrom('audit_checkpoints')
        .selectAll()
        .where('chain_id', '=', chain)
        .where('tree_size', '=', at)
        .executeTakeFirst();
      const checked = cp && signedByWard(cp) ? rangeIfRoot(at, anchor.frontier, cp.root_hash) : undefined;
      if (!checked || at > size) return undefined;
      range = checked;
    }
    for await (const rows of storedRows(tx, chain, range.size, size))
      for (const r of rows) {
        if (r.seq !== range.size + 1) return undefined;
        range.append(leafHash(r.hash));
      }
    return range.size === size ? range : undefined;
  }

  /** Where the events to vouch for start: the last checkpoint, checked, or the genesis. */
  async function startOf(tx: Tx, chain: string): Promise<Start> {
    const last = await lastCheckpoint(tx, chain);
    if (!last) {
      if (await anchorOf(tx, chain))
        return { ok: false, seq: 1, reason: 'the chain was cut by retention but its checkpoints are gone' };
      return { ok: true, range: new CompactRange(), hash: GENESIS_HASH };
    }
    const size = Number(last.tree_size);
    if (!signedByWard(last))
      return { ok: false, seq: size, reason: `checkpoint ${size} does not carry this Ward's signature` };
    let range = rangeIfRoot(size, last.frontier, last.root_hash);
    if (!range) {
      range = await rebuildRange(tx, chain, size);
      if (!range)
        return {
          ok: false,
          seq: size,
          reason: `the events up to ${size} do not give checkpoint ${size}'s root`,
        };
      log.warn(
        { chain, tree_size: size },
        "a checkpoint's stored compact range was wrong; rebuilt it from the events",
      );
    }
    return { ok: true, range, hash: last.last_hash };
  }

  async function refuse(chain: string, headSeq: number, found: { seq: number; reason: string }) {
    const refusal: CheckpointRefusal = {
      chain,
      head_seq: headSeq,
      first_bad_seq: found.seq,
      reason: found.reason,
    };
    // One alert per place the damage starts: the chain grows past it (the refusal's own event
    // among what is appended), and that is the same finding.
    const key = String(found.seq);
    if (raised.get(chain) === key) return;
    raised.set(chain, key);
    log.error(
      refusal,
      'not signing a checkpoint: the chain holds events Ward cannot vouch for (run ward audit verify)',
    );
    await deps.audit
      .record(SYSTEM, [
        {
          action: 'audit.checkpoint.refuse',
          chain: OPERATOR_CHAIN,
          outcome: 'failure',
          target: { type: 'audit_chain', id: chain },
          details: refusal,
        },
        ...(chain === OPERATOR_CHAIN
          ? []
          : [
              {
                action: 'audit.checkpoint.refuse' as const,
                chain,
                outcome: 'failure' as const,
                target: { type: 'audit_chain' as const, id: chain },
                details: refusal,
              },
            ]),
      ])
      .catch((err) => log.error({ err, chain }, 'could not record a refused checkpoint'));
    deps.alert?.(refusal);
  }

  /**
   * Checkpoints `chain` at its current head; returns the tree size, or undefined if none was due
   * or Ward could not vouch for the head. `unsealed` is for the one checkpoint made when seals were
   * introduced (migration 0063): the events before it were written without them.
   */
  async function checkpoint(
    chain: string,
    force = false,
    opts: { unsealed?: boolean } = {},
  ): Promise<number | undefined> {
    // Two checkpointers of one chain at once (the timer and an export's, or two Ward processes):
    // the later snapshot may fail to serialize; it is tried again on a fresh one.
    for (let attempt = 1; ; attempt++) {
      try {
        return await checkpointOnce(chain, force, opts);
      } catch (err) {
        if ((err as { code?: string }).code !== '40001' || attempt >= 5) throw err;
      }
    }
  }

  async function checkpointOnce(
    chain: string,
    force: boolean,
    opts: { unsealed?: boolean },
  ): Promise<number | undefined> {
    let refused: { head: number; found: { seq: number; reason: string } } | undefined;
    const made = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        const head = await tx
          .selectFrom('audit_chains')
          .select(['last_seq', 'last_hash'])
          .where('id', '=', chain)
          .executeTakeFirst();
        if (!head || Number(head.last_seq) === 0) return undefined;
        const last = await tx
          .selectFrom('audit_checkpoints')
          .select(['tree_size'])
          .where('chain_id', '=', chain)
          .orderBy('tree_size', 'desc')
          .limit(1)
          .executeTakeFirst();
        const size = Number(head.last_seq);
        const from = Number(last?.tree_size ?? 0);
        if (size <= from) return undefined;
        if (!force && size - from < policy.everyEvents) {
          // Due T seconds after the first event the last checkpoint does not cover.
          const oldest = await eventTime(tx, chain, from + 1);
          if (!oldest || Date.now() - oldest.getTime() < policy.everyMs) return undefined;
        }
        const start = await startOf(tx, chain);
        if (!start.ok) {
          refused = { head: size, found: start };
          return undefined;
        }
        const { range } = start;
        const vouch: Vouch = await vouchForTail({
          chain,
          from: { seq: range.size, hash: start.hash },
          head: { seq: size, hash: head.last_hash },
          rows: storedRows(tx, chain, range.size, size),
          sealer,
          unsealed: opts.unsealed,
          onEvent: (hash) => range.append(leafHash(hash)),
        });
        if (!vouch.ok) {
          refused = { head: size, found: vouch };
          return undefined;
        }
        const cp = signCheckpoint(signer, {
          chain,
          tree_size: size,
          root_hash: range.root().toString('hex'),
          last_hash: head.last_hash.toString('hex'),
          time: new Date().toISOString(),
        });
        await tx
          .insertInto('audit_checkpoints')
          .values({
            chain_id: chain,
            tree_size: size,
            root_hash: Buffer.from(cp.root_hash, 'hex'),
            last_hash: head.last_hash,
            time: cp.time,
            key_id: cp.key_id,
            signature: Buffer.from(cp.signature, 'base64'),
            frontier: range.nodes,
          })
          .onConflict((oc) => oc.columns(['chain_id', 'tree_size']).doNothing())
          .execute();
        return size;
      });
    if (refused) await refuse(chain, refused.head, refused.found);
    else if (made !== undefined) raised.delete(chain);
    return made;
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

  /**
   * The one checkpoint of every chain at the start that applied migration 0063 (seals): the events
   * written before it carry none, so Ward vouches for them by re-hashing alone, as it did before.
   */
  async function adoptUnsealed(): Promise<void> {
    for (const chain of await behind()) await checkpoint(chain, true, { unsealed: true });
  }

  return {
    checkpoint,
    adoptUnsealed,
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
      const row = await lastCheckpoint(db, chain);
      return row ? checkpointFromRow(row) : undefined;
    },
  };
}

export type Checkpointer = ReturnType<typeof createCheckpointer>;
