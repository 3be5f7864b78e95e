/**
 * @module evidence/offline
 * Checks that need nothing but Ward's public key: an inclusion proof (`ward audit check-proof`)
 * and an export file (`ward audit verify --file`). The public key is the one the user passes,
 * never one found inside the file.
 */

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { keyIdOfPublicKey } from '../lib/signing.js';
import type { InclusionProofView } from './audit.schemas.js';
import { linkHash } from './chain.js';
import { type Checkpoint, checkpointSignatureValid } from './checkpoints.js';
import {
  checkedCosignatures,
  newestQuorum,
  type StoredCosignature,
  type WitnessedCheckpoint,
} from './cosigned.js';
import { leafHash, verifyInclusion } from './merkle.js';
import type { NoteVerifier } from './note.js';
import { type Anchor, type ChainRow, type Damage, type VerifyReport, verifyChain } from './verify.js';

export interface ProofCheck {
  ok: boolean;
  problem?: string;
  event?: { chain: string; seq: number; id: string; action: string; time: string };
}

const hexOk = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);

export function checkProof(proof: InclusionProofView, publicKeyPem: string): ProofCheck {
  const fail = (problem: string): ProofCheck => ({ ok: false, problem });
  if (proof?.format !== 'ward-audit-inclusion-proof/v1')
    return fail('not a Ward inclusion proof (format ward-audit-inclusion-proof/v1)');
  const { event, checkpoint } = proof;
  if (typeof checkpoint !== 'object' || checkpoint === null || !hexOk(checkpoint.root_hash))
    return fail('the checkpoint is missing or its root is not a 32-byte hash');
  if (!hexOk(event?.prev_hash) || !hexOk(event?.hash) || typeof event.body !== 'string')
    return fail('the event is incomplete');
  if (!Array.isArray(proof.audit_path) || !proof.audit_path.every(hexOk))
    return fail('the audit path holds something that is not a 32-byte hash');
  const hash = linkHash(Buffer.from(event.prev_hash, 'hex'), event.body);
  if (hash.toString('hex') !== event.hash) return fail("the event's record does not match its hash");
  let fields: { chain: string; seq: number; id: string; action: string; time: string };
  try {
    fields = JSON.parse(event.body);
  } catch {
    return fail("the event's record is not JSON");
  }
  if (!checkpointSignatureValid(checkpoint, publicKeyPem))
    return fail('the checkpoint is not signed by this public key');
  if (checkpoint.chain !== fields.chain)
    return fail(`the checkpoint is for chain ${checkpoint.chain}, the event for ${fields.chain}`);
  if (proof.tree_size !== checkpoint.tree_size)
    return fail('the proof and the checkpoint disagree on the tree size');
  if (proof.leaf_index !== fields.seq - 1)
    return fail(`the proof is for leaf ${proof.leaf_index}, but the event is number ${fields.seq}`);
  if (proof.leaf_index >= proof.tree_size)
    return fail(`leaf ${proof.leaf_index} is outside a tree of ${proof.tree_size}`);
  const path = proof.audit_path.map((p) => Buffer.from(p, 'hex'));
  if (
    !verifyInclusion(
      proof.leaf_index,
      proof.tree_size,
      leafHash(hash),
      path,
      Buffer.from(checkpoint.root_hash, 'hex'),
    )
  ) {
    return fail("the audit path does not lead from the event to the checkpoint's root");
  }
  return {
    ok: true,
    event: { chain: fields.chain, seq: fields.seq, id: fields.id, action: fields.action, time: fields.time },
  };
}

/** What an export file can show: the chain's kinds of damage, and `unsigned`. */
export type ExportDamage = Damage | 'unsigned';

/**
 * `verifyChain`'s report on an export file. `unsigned`: the file holds events that no checkpoint
 * signed by the key covers (none at all, or a tail after the newest one), so nothing proves they
 * are Ward's. Only an export has it; the API's reports keep `Damage`.
 */
export interface ExportReport extends Omit<VerifyReport, 'damage'> {
  damage: ExportDamage | null;
  /** With witness keys: the newest checkpoint in the file a quorum of them cosigned. */
  witnesses?: {
    quorum: number;
    quorum_checkpoint: { tree_size: number; witnesses: string[]; cosigned_at: string } | null;
    unreachable: string[];
  };
}

/** Witness keys to check an export's cosignatures with, and how many must agree. */
export interface WitnessTrust {
  keys: NoteVerifier[];
  quorum: number;
}

/** A cosignature line of an export, for this chain's origin under `publicKeyPem`; else undefined. */
function cosignatureOf(line: Record<string, unknown>, origin: string): StoredCosignature | undefined {
  if (line.origin !== origin || !seqOk(line.tree_size) || !hexOk(line.root_hash)) return undefined;
  if (typeof line.key_name !== 'string' || typeof line.signature !== 'string') return undefined;
  return {
    origin,
    tree_size: line.tree_size,
    root: Buffer.from(line.root_hash, 'hex'),
    key_name: line.key_name,
    signature: Buffer.from(line.signature, 'base64'),
  };
}

interface Header {
  chain: string;
  /** The last event an export holds; a sink's file has none (it grows). */
  upTo: number | undefined;
  anchor: Anchor | undefined;
}

const seqOk = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/** The header line, checked for shape: a file without a usable one is not an export at all. */
function headerOf(line: Record<string, unknown>, path: string): Header {
  const bad = (what: string) => new Error(`the header of ${path} ${what}: it is not a Ward audit export`);
  if (typeof line.chain !== 'string' || !line.chain) throw bad('names no chain');
  if (line.up_to_seq !== undefined && !seqOk(line.up_to_seq)) throw bad('has an up_to_seq that is no seq');
  const a = line.anchor as { seq?: unknown; hash?: unknown; frontier?: unknown } | null | undefined;
  if (a == null) return { chain: line.chain, upTo: line.up_to_seq, anchor: undefined };
  if (!(seqOk(a.seq) && hexOk(a.hash) && Array.isArray(a.frontier) && a.frontier.every(hexOk)))
    throw bad('has a malformed anchor');
  return {
    chain: line.chain,
    upTo: line.up_to_seq,
    anchor: {
      seq: a.seq,
      hash: Buffer.from(a.hash, 'hex'),
      frontier: a.frontier.map((f: string) => Buffer.from(f, 'hex')),
    },
  };
}

async function* lines(path: string): AsyncIterable<Record<string, unknown>> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of rl) {
    n += 1;
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line);
    } catch {
      throw new Error(`line ${n} of ${path} is not JSON`);
    }
  }
}

/** The hashed record of an export line, plain or OCSF. */
function recordOf(line: Record<string, unknown>): ChainRow | undefined {
  const ward =
    line.type === 'event' ? line : (line.unmapped as { ward?: Record<string, unknown> } | undefined)?.ward;
  if (!ward || typeof ward.body !== 'string') return undefined;
  return {
    seq: Number(ward.seq),
    body: ward.body,
    prev_hash: Buffer.from(String(ward.prev_hash), 'hex'),
    hash: Buffer.from(String(ward.hash), 'hex'),
  };
}

/** `events 3–7 are` or `event 3 is`, to start a sentence about them. */
const spanIs = (from: number, to: number) => (to > from ? `events ${from}–${to} are` : `event ${from} is`);

/**
 * What the chain's check cannot see in a file that passed it: whether the file holds the whole
 * range its header names, and whether a signed checkpoint covers its last event. `last` is the
 * last event checked; `signed` the tree sizes of the file's checkpoints, all of them signed by
 * the key (verifyChain fails any other).
 */
function uncovered(
  header: Header,
  last: number,
  signed: number[],
): { seq: number; damage: ExportDamage; detail: string } | undefined {
  const from = (header.anchor?.seq ?? 0) + 1;
  const newest = signed.reduce((a, b) => Math.max(a, b), 0);
  const tail = newest < last ? spanIs(Math.max(newest + 1, from), last) : undefined;
  const { upTo } = header;
  if (upTo !== undefined && last < upTo)
    return {
      seq: last + 1,
      damage: 'truncated',
      detail: `the header says the export runs to event ${upTo}, but it ends at event ${last}: ${spanIs(last + 1, upTo)} missing${tail ? `, and before the cut ${tail} not covered by a signed checkpoint` : ''}`,
    };
  if (upTo !== undefined && last > upTo)
    return {
      seq: upTo + 1,
      damage: 'modified',
      detail: `the header says the export runs to event ${upTo}, but the file holds events up to ${last}: it was changed after export`,
    };
  if (signed.length === 0)
    return {
      seq: from,
      damage: 'unsigned',
      detail: `the file holds no checkpoint signed by this key${tail ? `: nothing proves that ${tail} Ward's` : ', so it proves nothing'}`,
    };
  if (tail)
    return {
      seq: Math.max(newest + 1, from),
      damage: 'unsigned',
      detail: `${tail} not covered by a checkpoint signed by this key (the newest covers ${newest} events): a tail added after export, or an export cut before its last checkpoint`,
    };
  return undefined;
}

/**
 * Verifies an export file (read twice: checkpoints first, then the events in order). Beyond the
 * chain's own check, an export is OK only if it holds every event its header names (from the
 * anchor to `up_to_seq`) and a checkpoint signed by the key covers its last event: a file with
 * no checkpoint, or with events after its newest one, proves nothing about those events.
 */
export async function verifyExportFile(
  path: string,
  publicKeyPem: string,
  trust?: WitnessTrust,
): Promise<ExportReport> {
  let header: Header | undefined;
  const checkpoints: Checkpoint[] = [];
  const cosignatureLines: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for await (const line of lines(path)) {
    if (line.type === 'header') header ??= headerOf(line, path);
    else if (line.type === 'cosignature') cosignatureLines.push(line);
    else if (line.type === 'checkpoint') {
      const { type: _t, ...cp } = line;
      const key = `${cp.tree_size}:${cp.root_hash}`;
      if (!seen.has(key)) checkpoints.push(cp as unknown as Checkpoint);
      seen.add(key);
    }
  }
  if (!header) throw new Error(`${path} has no header line: it is not a Ward audit export`);
  const { chain, anchor } = header;
  async function* rows(): AsyncIterable<ChainRow[]> {
    let batch: ChainRow[] = [];
    for await (const line of lines(path)) {
      const row = recordOf(line);
      if (!row) continue;
      batch.push(row);
      if (batch.length >= 5000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }
  // Cosignatures count only for this chain's origin under this key, and only with a key given.
  const origin = `ward/${keyIdOfPublicKey(publicKeyPem)}/${chain}`;
  const witnessed: WitnessedCheckpoint[] = trust
    ? checkedCosignatures(
        cosignatureLines.flatMap((l) => cosignatureOf(l, origin) ?? []),
        new Map(trust.keys.map((k) => [k.name, k])),
      )
    : [];
  const best = trust ? newestQuorum(witnessed, trust.quorum) : undefined;
  const summary = trust && {
    witnesses: {
      quorum: trust.quorum,
      quorum_checkpoint: best
        ? {
            tree_size: best.tree_size,
            witnesses: best.witnesses,
            cosigned_at: new Date(best.timestamp * 1000).toISOString(),
          }
        : null,
      unreachable: [],
    },
  };
  const report = {
    ...(await verifyChain({ chain, publicKeyPem, anchor, rows: rows(), checkpoints, witnessed })),
    ...summary,
  };
  if (!report.ok) return report;
  const last = (anchor?.seq ?? 0) + report.events;
  const gap =
    uncovered(
      header,
      last,
      checkpoints.map((c) => c.tree_size),
    ) ??
    (trust && !best
      ? {
          seq: (anchor?.seq ?? 0) + 1,
          damage: 'unsigned' as const,
          detail: `no checkpoint in the file is cosigned by ${trust.quorum} of the ${trust.keys.length} witness key${trust.keys.length === 1 ? '' : 's'} given`,
        }
      : undefined);
  return gap
    ? { ...report, ok: false, first_bad_seq: gap.seq, damage: gap.damage, detail: gap.detail }
    : report;
}

/** The checkpoints a copy holds (a file sink, an export), for rollback and fork detection. */
export async function checkpointsInFile(path: string): Promise<Checkpoint[]> {
  const found: Checkpoint[] = [];
  try {
    for await (const line of lines(path)) {
      if (line.type !== 'checkpoint') continue;
      const { type: _t, ...cp } = line;
      found.push(cp as unknown as Checkpoint);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return found;
}
