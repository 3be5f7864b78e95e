/**
 * @module audit/chain
 * The hash chain: `hash = SHA-256(prev_hash || canonical JSON of the event)`, RFC 8785 canonical
 * form, a chain's first event linking to 32 zero bytes. The hashed fields are exactly those of
 * `ChainedFields`; adding a field changes every hash and is a format version change.
 */
import { createHash } from 'node:crypto';
import type { AuditAction, AuditTarget, Outcome } from './actions.js';
import { canonicalize } from './canonical.js';

export const GENESIS_HASH = Buffer.alloc(32);
export const OPERATOR_CHAIN = 'operator';

export interface ChainedFields {
  chain: string;
  seq: number;
  id: string;
  time: string;
  action: AuditAction | string;
  outcome: Outcome | string;
  actor: Record<string, unknown>;
  target: AuditTarget | Record<string, unknown>;
  details: Record<string, unknown>;
}

export function canonicalEvent(e: ChainedFields): string {
  return canonicalize({
    chain: e.chain,
    seq: e.seq,
    id: e.id,
    time: e.time,
    action: e.action,
    outcome: e.outcome,
    actor: e.actor,
    target: e.target,
    details: e.details,
  });
}

export function chainHash(prevHash: Buffer, e: ChainedFields): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalEvent(e), 'utf8').digest();
}
