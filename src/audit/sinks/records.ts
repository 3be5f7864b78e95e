/**
 * @module audit/sinks/records
 * What a sink receives: each event as its fields plus its hashed record (`body`, `prev_hash`,
 * `hash`, so a copy verifies without Ward), or in the OCSF shape; each checkpoint as signed; and,
 * at the top of a file, the same header an export carries.
 */
import type { Checkpoint } from '../../evidence/index.js';
import { toOcsf } from '../ocsf.js';

export interface EventRow {
  seq: number;
  body: string;
  prev_hash: Buffer;
  hash: Buffer;
}

export function eventRecord(r: EventRow, format: 'json' | 'ocsf'): Record<string, unknown> {
  const ward = {
    seq: Number(r.seq),
    body: r.body,
    prev_hash: r.prev_hash.toString('hex'),
    hash: r.hash.toString('hex'),
  };
  const event = JSON.parse(r.body);
  return format === 'ocsf' ? toOcsf({ ...event, seq: ward.seq }, ward) : { type: 'event', ...event, ...ward };
}

export const checkpointRecord = (cp: Checkpoint): Record<string, unknown> => ({ type: 'checkpoint', ...cp });

export function headerRecord(
  chain: string,
  format: 'json' | 'ocsf',
  keyId: string,
  publicKey: string,
  anchor: Record<string, unknown> | null,
) {
  return {
    type: 'header',
    format: 'ward-audit-export/v1',
    event_format: format === 'ocsf' ? 'ocsf' : 'jsonl',
    chain,
    exported_at: new Date().toISOString(),
    key_id: keyId,
    public_key: publicKey,
    anchor,
  };
}
