/**
 * @module audit/witnesses/cosigner
 * Submits every chain's newest checkpoint to each of its witnesses, asynchronously: appends and
 * the gateway never wait for a witness. Each pass, for each witness not backing off whose
 * newest cosignature (by Ward's records) is older than the chain's newest checkpoint: send the
 * checkpoint as a note signed by Ward with a consistency proof from that size, check the
 * cosignature that comes back against the witness's registered key, and keep it.
 *
 * A 409 with the witness's size is the protocol's way to say "I cosigned another size": when
 * that size lies inside the chain Ward tries once more from it (its records may simply be
 * behind). A witness that holds more events than the chain (a rollback), or whose checkpoint the
 * chain does not extend (422, or the same size with another root: a rewritten history) is a
 * finding: recorded as `audit.witness.refuse` in the chain and raised to the org's alert
 * webhook, once per finding. Anything else (unreachable, 404, 403) is retried with backoff and
 * shown in the witness's status.
 */
import { sql } from 'kysely';
import { type Db, inTransaction } from '../../db/index.js';
import {
  addCheckpointRequest,
  type Checkpoint,
  COSIGNATURE_V1,
  cosignatureTime,
  parseNote,
  parseVkey,
} from '../../evidence/index.js';
import { SYSTEM } from '../../lib/context.js';
import type { Logger } from '../../lib/logger.js';
import type { Signer } from '../../lib/signing.js';
import type { AuditService } from '../audit.service.js';
import { addCheckpoint, type WitnessAnswer } from './client.js';
import { consistencyFrom } from './consistency.js';
import { noteBodyOf, signedNoteOf } from './origin.js';
import {
  failed,
  markRaised,
  recordCosignature,
  submitted,
  type WitnessRow,
  witnessesWithState,
} from './witnesses.store.js';

const PASS_MS = 2_000;

/** What a witness refused, for the org's people. */
export interface WitnessRefusal {
  chain: string;
  witness: string;
  status: number;
  /** The size the witness says it cosigned last, when it said. */
  witness_size: number | null;
  tree_size: number;
  finding: string;
}

type Outcome =
  | { kind: 'cosigned' }
  | { kind: 'refused'; refusal: WitnessRefusal }
  | { kind: 'failed'; status: number | null; error: string };

const sizeIn = (a: WitnessAnswer) =>
  a.contentType.startsWith('text/x.tlog.size') && /^(0|[1-9][0-9]*)\n$/.test(a.body) ? Number(a.body) : null;

const firstLine = (a: WitnessAnswer) => a.body.split('\n')[0]?.slice(0, 200) ?? '';

export function createCosigner(deps: {
  db: Db;
  signer: Signer;
  audit: AuditService;
  log: Logger;
  /** The chain's newest signed checkpoint (the checkpointer's `latest`). */
  newest: (chain: string) => Promise<Checkpoint | undefined>;
  /** Raises a refusal where people see it (the org's alert webhook); never throws. */
  alert?: (refusal: WitnessRefusal) => void;
}) {
  const { db, signer, log } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function send(w: WitnessRow, cp: Checkpoint, old: number): Promise<WitnessAnswer> {
    const proof = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        await sql`SET TRANSACTION READ ONLY`.execute(tx);
        return consistencyFrom(tx, w.chain_id, old, cp.tree_size);
      });
    return addCheckpoint(w, addCheckpointRequest(old, proof, signedNoteOf(signer, cp)));
  }

  async function keep(w: WitnessRow, cp: Checkpoint, a: WitnessAnswer): Promise<Outcome> {
    const v = parseVkey(w.vkey, COSIGNATURE_V1);
    const body = noteBodyOf(signer, w.chain_id, cp.tree_size, Buffer.from(cp.root_hash, 'hex'));
    let lines: ReturnType<typeof parseNote>['signatures'] = [];
    try {
      lines = parseNote(`${body}\n${a.body}`).signatures;
    } catch {
      // Not signature lines at all: judged below as no valid cosignature.
    }
    for (const s of lines) {
      const timestamp = cosignatureTime(body, s, v);
      if (timestamp === undefined) continue;
      // The cosignature and the witness's state together: nobody sees one without the other.
      await inTransaction(db, async (tx) => {
        await recordCosignature(tx, {
          chain_id: w.chain_id,
          tree_size: cp.tree_size,
          root_hash: Buffer.from(cp.root_hash, 'hex'),
          key_name: v.name,
          witness_id: w.id,
          timestamp,
          signature: Buffer.concat([s.keyId, s.signature]),
        });
        await submitted(tx, w.id, 200);
      });
      return { kind: 'cosigned' };
    }
    return {
      kind: 'failed',
      status: a.status,
      error: 'the witness answered 200 without a valid cosignature by its registered key',
    };
  }

  async function submit(w: WitnessRow, cp: Checkpoint): Promise<Outcome> {
    const refusal = (status: number, witnessSize: number | null, finding: string): Outcome => ({
      kind: 'refused',
      refusal: {
        chain: w.chain_id,
        witness: w.name,
        status,
        witness_size: witnessSize,
        tree_size: cp.tree_size,
        finding,
      },
    });
    const first = await send(w, cp, w.cosigned_size);
    if (first.status === 200) return keep(w, cp, first);
    if (first.status === 422)
      return refusal(
        422,
        w.cosigned_size,
        `the chain does not extend the checkpoint of ${w.cosigned_size} events the witness cosigned: history was rewritten`,
      );
    if (first.status === 409) {
      const theirs = sizeIn(first);
      if (theirs === null || theirs === w.cosigned_size)
        return refusal(
          409,
          theirs,
          `the witness cosigned another root for ${theirs ?? w.cosigned_size} events: history was rewritten`,
        );
      if (theirs > cp.tree_size)
        return refusal(
          409,
          theirs,
          `the witness cosigned ${theirs} events, the chain's newest checkpoint covers ${cp.tree_size}: the log was rolled back (events ${cp.tree_size + 1}–${theirs})`,
        );
      // Ward's records are behind the witness (a cosignature not kept, a re-registered witness):
      // try once from the witness's size.
      const again = await send(w, cp, theirs);
      if (again.status === 200) return keep(w, cp, again);
      if (again.status === 422 || again.status === 409)
        return refusal(
          409,
          theirs,
          `the witness cosigned ${theirs} events and the chain does not extend that checkpoint (${again.status}): events within 1–${theirs} were rolled back or rewritten`,
        );
      return { kind: 'failed', status: again.status, error: `${again.status}: ${firstLine(again)}` };
    }
    const why: Record<number, string> = {
      404: 'the witness does not know this log: give it the key from `ward audit witness log-key`',
      403: "the witness does not trust Ward's key for this log: give it the key from `ward audit witness log-key`",
    };
    return {
      kind: 'failed',
      status: first.status,
      error: why[first.status] ?? `${first.status}: ${firstLine(first)}`,
    };
  }

  async function raise(w: WitnessRow, r: WitnessRefusal): Promise<void> {
    if (!(await markRaised(db, w.id, `${r.status}:${r.witness_size}:${r.finding}`))) return;
    log.error(
      r,
      'a witness refused a checkpoint: the chain does not extend what it cosigned (run ward audit verify)',
    );
    await deps.audit
      .record(SYSTEM, [
        {
          action: 'audit.witness.refuse',
          chain: w.chain_id,
          outcome: 'failure',
          target: { type: 'audit_witness', id: w.id, name: w.name },
          details: {
            witness: r.witness,
            status: r.status,
            witness_size: r.witness_size,
            tree_size: r.tree_size,
            finding: r.finding,
          },
        },
      ])
      .catch((err) => log.error({ err, chain: w.chain_id }, 'could not record a witness refusal'));
    deps.alert?.(r);
  }

  async function one(w: WitnessRow): Promise<void> {
    const cp = await deps.newest(w.chain_id);
    if (!cp || cp.tree_size <= w.cosigned_size) return;
    let outcome: Outcome;
    try {
      outcome = await submit(w, cp);
    } catch (err) {
      outcome = { kind: 'failed', status: null, error: (err as Error).message };
    }
    if (outcome.kind === 'cosigned') return;
    if (outcome.kind === 'failed') {
      log.warn(
        { witness: w.id, chain: w.chain_id, status: outcome.status, error: outcome.error },
        'a witness did not cosign; retrying later',
      );
      return failed(db, w.id, outcome.status, outcome.error);
    }
    await failed(db, w.id, outcome.refusal.status, outcome.refusal.finding);
    await raise(w, outcome.refusal);
  }

  /** One pass over every witness that is due; witnesses are asked in parallel. */
  async function pass(): Promise<void> {
    const due = await witnessesWithState(db, { due: true });
    await Promise.all(
      due.map((w) => one(w).catch((err) => log.error({ err, witness: w.id }, 'a witness submission failed'))),
    );
  }

  function tick() {
    running = pass()
      .catch((err) => log.error({ err }, 'the witness pass failed'))
      .finally(() => {
        running = undefined;
        if (timer) timer = setTimeout(tick, PASS_MS);
      });
  }

  return {
    pass,
    start() {
      timer = setTimeout(tick, PASS_MS);
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}

export type Cosigner = ReturnType<typeof createCosigner>;
