/**
 * @module audit/reads
 * Reading the audit log: filtered pages (newest first, keyset on time and seq), one event, an
 * inclusion proof against a signed checkpoint, verification, and exports (audit/audit.export).
 * Every view of an event is built from its hashed record, never from the columns beside it.
 */
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { AuditEventView, InclusionProofView, ListAuditQuery, VerifyReport } from '../evidence/index.js';
import {
  type Checkpoint,
  CompactRange,
  checkpointFromRow,
  inclusionPath,
  leafHash,
  prefixedSubtrees,
} from '../evidence/index.js';
import type { RequestContext } from '../lib/context.js';
import { invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Signer } from '../lib/signing.js';
import { exportChain } from './audit.export.js';
import type { AuditService } from './audit.service.js';
import { batchedEventById, batchedPage, newestFirst } from './batches.db.js';
import { anchorOf, storedRows } from './chain-rows.db.js';
import type { Checkpointer } from './checkpointer.js';
import type { Sealer } from './seal.js';
import { recordVerification } from './verifications.js';
import { verifyStoredChain } from './verify.db.js';
import type { WitnessEvidence } from './witnesses/witnesses.service.js';

/** A chain's verification, with what its witnesses vouch for (null: none is registered). */
export type VerifiedChain = VerifyReport & {
  witnesses: Pick<WitnessEvidence, 'quorum' | 'quorum_checkpoint' | 'unreachable'> | null;
};

const PROOF_FORMAT = 'ward-audit-inclusion-proof/v1' as const;

interface StoredRow {
  seq: number | string;
  body: string | Buffer;
  prev_hash: Buffer;
  hash: Buffer;
}

/** An event as the API shows it; `record` is its body already parsed, when it is. */
export function eventView(r: StoredRow, record?: Record<string, unknown>): AuditEventView {
  const e = record ?? JSON.parse(typeof r.body === 'string' ? r.body : r.body.toString('utf8'));
  return { ...e, seq: Number(r.seq), prev_hash: r.prev_hash.toString('hex'), hash: r.hash.toString('hex') };
}

/**
 * A page's cursor names the last event shown by (time, seq); the next page starts after it. The
 * time is the event's own (its record's, which the column check keeps equal to the column).
 */
const encodeCursor = (e: AuditEventView) => Buffer.from(`${e.time}|${e.seq}`).toString('base64url');
function decodeCursor(cursor: string): { time: string; seq: number } {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|(\d{1,15})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!m) throw invalid(`the cursor '${cursor}' is not one this API returned; start again without it`);
  return { time: m[1] as string, seq: Number(m[2]) };
}

/**
 * `column` is one of `values`. A single value (nearly always) is written as an equality, so the
 * (chain_id, column, time DESC, seq DESC) index gives the newest matches in order. PostgreSQL 15
 * reads an `= ANY(…)` condition from an index unordered, so for a newest-first page it walked the chain
 * backwards from its newest event and filtered instead: 12,000 rows read to show 50 for one of
 * 50 actors at a million events, and the whole chain for one who acted long ago.
 */
function oneOf(column: 'actor_id' | 'project_id', values: string[]) {
  if (values.length === 0) return sql`false`;
  if (values.length === 1) return sql`${sql.ref(column)} = ${values[0]}`;
  return sql`${sql.ref(column)} = ANY(${values})`;
}

/**
 * The query for one page of `chain`, newest first by (time, seq), with actors and projects
 * resolved to ids. Every filter index ends in (time DESC, seq DESC), so `since`, `until` and the
 * cursor bound a range of the index the page is read from (ADR 0005).
 */
export function listStatement(
  chain: string,
  q: ListAuditQuery,
  ids: { actors?: string[]; projects?: string[] },
) {
  const filters = [sql`chain_id = ${chain}`];
  if (ids.actors) filters.push(oneOf('actor_id', ids.actors));
  if (q.action)
    filters.push(
      q.action.endsWith('*') ? sql`action LIKE ${`${q.action.slice(0, -1)}%`}` : sql`action = ${q.action}`,
    );
  if (ids.projects) filters.push(oneOf('project_id', ids.projects));
  if (q.outcome) filters.push(sql`outcome = ${q.outcome}`);
  // Read from the body: only with an action (required), whose index bounds the rows it parses.
  if (q.target) filters.push(sql`body::jsonb -> 'target' ->> 'id' = ${q.target}`);
  if (q.since) filters.push(sql`time >= ${q.since}::timestamptz`);
  if (q.until) filters.push(sql`time < ${q.until}::timestamptz`);
  if (q.cursor) {
    const after = decodeCursor(q.cursor);
    filters.push(sql`(time, seq) < (${after.time}::timestamptz, ${after.seq}::int8)`);
  }
  return sql<StoredRow & { time: Date }>`
    SELECT seq, body, prev_hash, hash, time FROM audit_events
     WHERE ${sql.join(filters, sql` AND `)}
     ORDER BY time DESC, seq DESC LIMIT ${q.limit + 1}`;
}

export function createAuditReader(deps: {
  db: Db;
  audit: AuditService;
  signer: Signer;
  sealer: Sealer;
  checkpointer: Checkpointer;
  /** Checkpoints of a chain held outside the database (file sinks). */
  heldElsewhere?: (chain: string) => Promise<Checkpoint[]>;
  /** What the chain's witnesses cosigned (audit/witnesses), when any is registered. */
  witnessed?: (chain: string) => Promise<WitnessEvidence | undefined>;
}) {
  const { db, signer, checkpointer } = deps;

  /** An actor filter as user ids: an email is its one user (or none), anything else an id. */
  async function actorIds(actor: string): Promise<string[]> {
    if (!actor.includes('@')) return [actor];
    const users = await db
      .selectFrom('users')
      .select('id')
      .where(sql<string>`lower(email)`, '=', actor.toLowerCase())
      .execute();
    return users.map((u) => u.id);
  }

  /**
   * A project filter as project ids: a name is every project of the org that had it (a deleted
   * project's name can be reused), anything else an id. A name never looks like an id (names are
   * slugs, ids have an underscore), so a value is one or the other.
   */
  async function projectIds(chain: string, project: string): Promise<string[]> {
    const named = await db
      .selectFrom('projects')
      .select('id')
      .where('org_id', '=', chain)
      .where('name', '=', project)
      .execute();
    return named.length ? named.map((p) => p.id) : [project];
  }

  /**
   * A page from both tables of the log: the newest matching events stored one a row and the newest
   * stored in batches, merged newest first by (time, seq).
   */
  async function list(chain: string, q: ListAuditQuery) {
    if (q.target && !q.action)
      throw invalid(
        'a target filter needs an action too (e.g. action compliance.* with target risk-analysis)',
      );
    // Names resolve to ids first, so each filter is one indexed column.
    const actors = q.actor ? await actorIds(q.actor) : undefined;
    const projects = q.project ? await projectIds(chain, q.project) : undefined;
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const [single, batched] = await Promise.all([
      listStatement(chain, q, { actors, projects }).execute(db),
      // One snapshot for the batches' keys and their payloads (read with a binary COPY).
      db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute((tx) =>
          batchedPage(
            tx,
            chain,
            {
              actors,
              projects,
              action: q.action,
              outcome: q.outcome,
              target: q.target,
              sinceMs: q.since ? Date.parse(q.since) : undefined,
              untilMs: q.until ? Date.parse(q.until) : undefined,
              before: after ? { ms: Date.parse(after.time), seq: after.seq } : undefined,
            },
            q.limit + 1,
          ),
        ),
    ]);
    // Each side holds up to limit + 1 events; only the page's are viewed, the batched ones from
    // the records batchedPage parsed already.
    const merged = [
      ...single.rows.map((r) => ({ view: () => eventView(r), ms: r.time.getTime(), seq: Number(r.seq) })),
      ...batched.map((b) => ({
        view: () => eventView(b, b.record),
        ms: Date.parse(b.record.time),
        seq: b.seq,
      })),
    ].sort(newestFirst);
    const events = merged.slice(0, q.limit).map((x) => x.view());
    const last = events[events.length - 1];
    return { events, next_cursor: merged.length > q.limit && last ? encodeCursor(last) : null };
  }

  async function row(chain: string, eventId: string): Promise<StoredRow> {
    const r =
      (await db
        .selectFrom('audit_events')
        .select(['seq', 'body', 'prev_hash', 'hash'])
        .where('chain_id', '=', chain)
        .where('id', '=', eventId)
        .executeTakeFirst()) ?? (await batchedEventById(db, chain, eventId));
    if (!r) throw notFound(`no audit event '${eventId}'`);
    return r;
  }

  const get = async (chain: string, eventId: string) => eventView(await row(chain, eventId));

  async function prove(chain: string, eventId: string): Promise<InclusionProofView> {
    const event = await row(chain, eventId);
    const seq = Number(event.seq);
    let cp = await db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('chain_id', '=', chain)
      .where('tree_size', '>=', seq)
      .orderBy('tree_size')
      .limit(1)
      .executeTakeFirst();
    if (!cp) {
      await checkpointer.checkpoint(chain, true);
      cp = await db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .where('chain_id', '=', chain)
        .where('tree_size', '>=', seq)
        .orderBy('tree_size')
        .limit(1)
        .executeTakeFirst();
    }
    if (!cp)
      throw notFound(`event '${eventId}' is not covered by a checkpoint yet; try again in a few seconds`);
    const anchor = await anchorOf(db, chain);
    const from = Number(anchor?.seq ?? 0);
    const size = Number(cp.tree_size);
    const leaves = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        const out: Buffer[] = [];
        for await (const rows of storedRows(tx, chain, from, size))
          for (const r of rows) out.push(leafHash(r.hash));
        return out;
      });
    const prefix = new CompactRange(from, anchor?.frontier ?? []);
    const path = inclusionPath(prefixedSubtrees(prefix, leaves), seq - 1, Number(cp.tree_size));
    return {
      format: PROOF_FORMAT,
      event: {
        body: typeof event.body === 'string' ? event.body : event.body.toString('utf8'),
        prev_hash: event.prev_hash.toString('hex'),
        hash: event.hash.toString('hex'),
      },
      leaf_index: seq - 1,
      tree_size: Number(cp.tree_size),
      audit_path: path.map((p) => p.toString('hex')),
      checkpoint: checkpointFromRow(cp),
      public_key: signer.publicKeyPem,
    };
  }

  /** Verifies `chain` and records the result as its latest verification (audit/verifications). */
  async function verify(chain: string, external: Checkpoint[] = []): Promise<VerifiedChain> {
    const held = deps.heldElsewhere ? await deps.heldElsewhere(chain) : [];
    const witnessed = deps.witnessed ? await deps.witnessed(chain) : undefined;
    const report = await verifyStoredChain(
      db,
      chain,
      signer.publicKeyPem,
      [...external, ...held],
      deps.sealer,
      witnessed?.checkpoints,
    );
    await recordVerification(db, report);
    return {
      ...report,
      witnesses: witnessed
        ? {
            quorum: witnessed.quorum,
            quorum_checkpoint: witnessed.quorum_checkpoint,
            unreachable: witnessed.unreachable,
          }
        : null,
    };
  }

  /** The chain as an export that verifies offline (audit/audit.export). */
  const exportLines = (chain: string, format: 'jsonl' | 'ocsf', upTo: number) =>
    exportChain({ db, signer }, chain, format, upTo);

  /**
   * Starts an export: a checkpoint at the chain's head ends it, and the copy is recorded (as an
   * audited change) so retention knows these events exist outside Ward with their checkpoint.
   */
  async function startExport(ctx: RequestContext, chain: string, format: 'jsonl' | 'ocsf'): Promise<number> {
    await checkpointer.checkpoint(chain, true);
    const upTo = (await checkpointer.latest(chain))?.tree_size ?? 0;
    await deps.audit.mutate(
      ctx,
      {
        action: 'audit.export',
        chain,
        target: { type: 'audit_chain', id: chain },
        details: { format, up_to_seq: upTo },
      },
      async (tx) => {
        if (upTo > 0)
          await tx
            .insertInto('audit_exports')
            .values({
              id: newId('op'),
              chain_id: chain,
              up_to_seq: upTo,
              checkpoint_size: upTo,
              kind: 'download',
              sink_id: null,
            })
            .execute();
      },
    );
    return upTo;
  }

  return { list, get, prove, verify, exportLines, startExport };
}

export type AuditReader = ReturnType<typeof createAuditReader>;
