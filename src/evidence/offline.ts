/**
 * @module evidence/offline
 * Checks that need nothing but Ward's public key: an inclusion proof (`ward audit check-proof`)
 * and an export file (`ward audit verify --file`). The public key is the one the user passes,
 * never one found inside the file.
 */

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { InclusionProofView } from './audit.schemas.js';
import { linkHash } from './chain.js';
import { type Checkpoint, checkpointSignatureValid } from './checkpoints.js';
import { leafHash, verifyInclusion } from './merkle.js';
import { type ChainRow, type VerifyReport, verifyChain } from './verify.js';

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

interface Header {
  type: 'header';
  chain: string;
  anchor: { seq: number; hash: string; frontier: string[] } | null;
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

/** Verifies an export file (read twice: checkpoints first, then the events in order). */
export async function verifyExportFile(path: string, publicKeyPem: string): Promise<VerifyReport> {
  let header: Header | undefined;
  const checkpoints: Checkpoint[] = [];
  const seen = new Set<string>();
  for await (const line of lines(path)) {
    if (line.type === 'header') header ??= line as unknown as Header;
    else if (line.type === 'checkpoint') {
      const { type: _t, ...cp } = line;
      const key = `${cp.tree_size}:${cp.root_hash}`;
      if (!seen.has(key)) checkpoints.push(cp as unknown as Checkpoint);
      seen.add(key);
    }
  }
  if (!header) throw new Error(`${path} has no header line: it is not a Ward audit export`);
  const anchor = header.anchor
    ? {
        seq: header.anchor.seq,
        hash: Buffer.from(header.anchor.hash, 'hex'),
        frontier: header.anchor.frontier.map((f) => Buffer.from(f, 'hex')),
      }
    : undefined;
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
  return verifyChain({ chain: header.chain, publicKeyPem, anchor, rows: rows(), checkpoints });
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
