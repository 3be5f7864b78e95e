/**
 * @module audit/witnesses/service
 * Registering and removing a chain's witnesses, its quorum, and what they vouch for: the status
 * (the newest checkpoint a quorum cosigned, how far behind the head it is, each witness's
 * submission state) and, for verification, every cosigned checkpoint whose signature checks out,
 * from Ward's records and from each witness itself. Each change is audited in the chain.
 */
import type { Db } from '../../db/index.js';
import {
  type Checkpoint,
  COSIGNATURE_V1,
  newestQuorum,
  parseVkey,
  type WitnessedCheckpoint,
} from '../../evidence/index.js';
import type { RequestContext } from '../../lib/context.js';
import { conflict, invalid, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Signer } from '../../lib/signing.js';
import type { AuditService } from '../audit.service.js';
import { eventTime } from '../batches.db.js';
import { logOrigin, logVkey } from './origin.js';
import { servedByWitness, validCosignatures } from './witnessed.js';
import type { AddWitnessBody, WitnessStatus, WitnessView } from './witnesses.schemas.js';
import {
  cosignaturesOf,
  quorumCandidates,
  quorumOf,
  type WitnessRow,
  witnessesWithState,
} from './witnesses.store.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** What the witnesses say about a chain, for `ward audit verify`. */
export interface WitnessEvidence {
  /** Every cosigned checkpoint whose cosignature verifies with a registered witness's key. */
  checkpoints: WitnessedCheckpoint[];
  quorum: number;
  /** The newest checkpoint a quorum cosigned, by what was found. */
  quorum_checkpoint: { tree_size: number; witnesses: string[]; cosigned_at: string } | null;
  /** Witnesses that could not be asked, and why. */
  unreachable: string[];
}

export function createWitnessService(deps: {
  db: Db;
  audit: AuditService;
  signer: Signer;
  /** The chain's newest signed checkpoint (the checkpointer's `latest`). */
  newest: (chain: string) => Promise<Checkpoint | undefined>;
}) {
  const { db, audit, signer } = deps;
  const originOf = (chain: string) => logOrigin(signer, chain);

  async function headOf(chain: string): Promise<number> {
    const row = await db
      .selectFrom('audit_chains')
      .select('last_seq')
      .where('id', '=', chain)
      .executeTakeFirst();
    return Number(row?.last_seq ?? 0);
  }

  const view = (r: WitnessRow, head: number): WitnessView => ({
    id: r.id,
    name: r.name,
    key_name: r.key_name,
    public_key: r.vkey,
    url: r.url,
    cosigned_size: r.cosigned_size,
    cosigned_at: iso(r.cosigned_at),
    lag_events: Math.max(0, head - r.cosigned_size),
    last_success_at: iso(r.last_success_at),
    last_status: r.last_status,
    last_error: r.last_error,
    last_error_at: iso(r.last_error_at),
    attempts: r.attempts,
    created_at: r.created_at.toISOString(),
  });

  async function one(chain: string, id: string): Promise<WitnessRow> {
    const [row] = await witnessesWithState(db, { chain, id });
    if (!row) throw notFound(`no witness '${id}' on this audit log`);
    return row;
  }

  async function add(ctx: RequestContext, chain: string, body: AddWitnessBody): Promise<WitnessView> {
    const v = parseVkey(body.public_key, COSIGNATURE_V1);
    const id = newId('wit');
    const vkey = body.public_key.trim();
    await audit.mutate(
      ctx,
      {
        action: 'audit.witness.add',
        chain,
        target: { type: 'audit_witness', id, name: body.name },
        details: { key_name: v.name, url: body.url },
      },
      async (tx) => {
        const clash = await tx
          .selectFrom('audit_witnesses')
          .select(['name', 'vkey'])
          .where('chain_id', '=', chain)
          .where((eb) => eb.or([eb('name', '=', body.name), eb('vkey', '=', vkey)]))
          .executeTakeFirst();
        if (clash)
          throw conflict(
            clash.name === body.name
              ? `a witness named '${body.name}' is already registered; choose another name`
              : `this witness key is already registered as '${clash.name}'`,
          );
        await tx
          .insertInto('audit_witnesses')
          .values({
            id,
            chain_id: chain,
            name: body.name,
            key_name: v.name,
            vkey,
            url: body.url,
            ca_pem: body.ca_pem ?? null,
          })
          .execute();
        await tx.insertInto('audit_witness_state').values({ witness_id: id }).execute();
      },
    );
    return view(await one(chain, id), await headOf(chain));
  }

  async function remove(ctx: RequestContext, chain: string, id: string): Promise<void> {
    const w = await one(chain, id);
    await audit.mutate(
      ctx,
      {
        action: 'audit.witness.remove',
        chain,
        target: { type: 'audit_witness', id, name: w.name },
        details: { key_name: w.key_name },
      },
      async (tx) => {
        const quorum = await quorumOf(tx, chain);
        const left = (await witnessesWithState(tx, { chain })).length - 1;
        if (quorum !== null && left > 0 && quorum > left)
          throw conflict(
            `the quorum is ${quorum} and ${left} witnesses would be left; lower the quorum first`,
          );
        if (left === 0) await tx.deleteFrom('audit_witness_quorum').where('chain_id', '=', chain).execute();
        await tx.deleteFrom('audit_witnesses').where('id', '=', id).execute();
      },
    );
  }

  async function setQuorum(ctx: RequestContext, chain: string, quorum: number): Promise<WitnessStatus> {
    const previous = await quorumOf(db, chain);
    await audit.mutate(
      ctx,
      {
        action: 'audit.witness.quorum',
        chain,
        target: { type: 'audit_chain', id: chain },
        details: { quorum, previous },
      },
      async (tx) => {
        const registered = (await witnessesWithState(tx, { chain })).length;
        if (quorum > registered)
          throw invalid(
            `a quorum of ${quorum} needs ${quorum} registered witnesses; ${registered} ${registered === 1 ? 'is' : 'are'} registered`,
          );
        await tx
          .insertInto('audit_witness_quorum')
          .values({ chain_id: chain, quorum })
          .onConflict((oc) => oc.column('chain_id').doUpdateSet({ quorum, updated_at: new Date() }))
          .execute();
      },
    );
    return status(chain);
  }

  /** The quorum in force: as set, or 1 when any witness is registered. */
  async function quorumIn(chain: string): Promise<{ quorum: number; set: boolean }> {
    const q = await quorumOf(db, chain);
    return { quorum: q ?? 1, set: q !== null };
  }

  async function status(chain: string): Promise<WitnessStatus> {
    const [rows, head, q, newest] = await Promise.all([
      witnessesWithState(db, { chain }),
      headOf(chain),
      quorumIn(chain),
      deps.newest(chain),
    ]);
    const cosigs =
      rows.length === 0
        ? []
        : await quorumCandidates(db, chain, [...new Set(rows.map((r) => r.key_name))], q.quorum);
    const best =
      rows.length === 0 ? undefined : newestQuorum(validCosignatures(cosigs, rows, originOf), q.quorum);
    const oldestUncovered =
      best && best.tree_size < head ? await eventTime(db, chain, best.tree_size + 1) : undefined;
    const firstEvent = !best && head > 0 ? await eventTime(db, chain, 1) : undefined;
    const since = oldestUncovered ?? firstEvent;
    return {
      origin: logOrigin(signer, chain),
      log_key: logVkey(signer, chain),
      quorum: q.quorum,
      quorum_set: q.set,
      head_seq: head,
      newest_checkpoint: newest?.tree_size ?? null,
      quorum_checkpoint: best
        ? {
            tree_size: best.tree_size,
            root_hash: best.root_hash,
            witnesses: best.witnesses,
            cosigned_at: new Date(best.timestamp * 1000).toISOString(),
          }
        : null,
      lag_events: Math.max(0, head - (best?.tree_size ?? 0)),
      lag_seconds: since ? Math.max(0, Math.round((Date.now() - since.getTime()) / 1000)) : null,
      witnesses: rows.map((r) => view(r, head)),
    };
  }

  /**
   * What the witnesses vouch for: cosignatures from Ward's records and each witness's own newest
   * (a restored database cannot take that one back), each checked against the registered key.
   */
  async function evidence(chain: string): Promise<WitnessEvidence | undefined> {
    const rows = await witnessesWithState(db, { chain });
    if (rows.length === 0) return undefined;
    const recorded = validCosignatures(await cosignaturesOf(db, chain), rows, originOf);
    const origin = logOrigin(signer, chain);
    const served = await Promise.all(rows.map((w) => servedByWitness(w, origin)));
    const checkpoints = [...recorded, ...served.flatMap((s) => (s.checkpoint ? [s.checkpoint] : []))];
    const { quorum } = await quorumIn(chain);
    const best = newestQuorum(checkpoints, quorum);
    return {
      checkpoints,
      quorum,
      quorum_checkpoint: best
        ? {
            tree_size: best.tree_size,
            witnesses: best.witnesses,
            cosigned_at: new Date(best.timestamp * 1000).toISOString(),
          }
        : null,
      unreachable: served.flatMap((s) => (s.error ? [s.error] : [])),
    };
  }

  const logKey = (chain: string) => ({ origin: logOrigin(signer, chain), log_key: logVkey(signer, chain) });

  return { add, remove, setQuorum, status, evidence, logKey };
}

export type WitnessService = ReturnType<typeof createWitnessService>;
