/**
 * @module audit/audit.export
 * A chain as an export file that verifies offline (`ward audit export`, `evidence/offline.ts`):
 * a header, each event's hashed record, each signed checkpoint after the event it ends at, and
 * at the end the witnesses' cosignatures of those checkpoints, as JSON lines or OCSF, streamed in
 * blocks from one snapshot.
 */
import type { Db } from '../db/index.js';
import type { Signer } from '../lib/signing.js';
import { anchorOf, checkpointsOf, storedRows } from './chain-rows.db.js';
import { mappedMembers, ocsfLineWith } from './ocsf.js';
import { logOrigin } from './witnesses/origin.js';
import { cosignaturesOf } from './witnesses/witnesses.store.js';

export const EXPORT_FORMAT = 'ward-audit-export/v1';

/** About how many bytes of an export go out at once: a few large writes, not one per line. */
const EXPORT_BLOCK = 64 * 1024;

/**
 * Lines gathered as UTF-8 into blocks of about EXPORT_BLOCK bytes. Written into a buffer as they
 * come, each line is garbage at once, and the socket is given bytes, not a string to encode.
 */
class LineBlocks {
  private buf = Buffer.allocUnsafe(2 * EXPORT_BLOCK);
  private at = 0;

  add(line: string): void {
    // A UTF-16 unit takes at most 3 bytes of UTF-8, so the line always fits whole.
    const room = 3 * line.length + 1;
    if (this.at + room > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * EXPORT_BLOCK, this.at + room));
      this.buf.copy(bigger, 0, 0, this.at);
      this.buf = bigger;
    }
    // Flattened first: a line built from many pieces (an OCSF line is some twenty) is a rope,
    // and encoding a rope straight into the buffer costs about a microsecond more per line than
    // flattening it (which reading one character does) and encoding the flat string.
    line.charCodeAt(0);
    this.at += this.buf.write(line, this.at);
    this.buf[this.at++] = 0x0a;
  }

  /** Bytes gathered since the last take. */
  get bytes(): number {
    return this.at;
  }

  /** The lines added since the last take, as one block. */
  take(): Buffer {
    const block = this.buf.subarray(0, this.at);
    this.buf = Buffer.allocUnsafe(2 * EXPORT_BLOCK);
    this.at = 0;
    return block;
  }
}

/**
 * One event's export line from its stored bytes. The plain line is exactly
 * `JSON.stringify({ type: 'event', seq, body, prev_hash, hash })`, written out: seq is an
 * integer and the hashes are hex, so only the body needs JSON's escaping. The OCSF line maps the
 * record itself (the body's members but its details, with the stored seq) and carries the same
 * four members, escaped once.
 */
export function exportEventLine(
  format: 'jsonl' | 'ocsf',
  r: { seq: number; body: Buffer; prev_hash: Buffer; hash: Buffer },
): string {
  const body = r.body.toString('utf8');
  const members = `"seq":${r.seq},"body":${JSON.stringify(body)},"prev_hash":"${r.prev_hash.toString('hex')}","hash":"${r.hash.toString('hex')}"`;
  if (format === 'jsonl') return `{"type":"event",${members}}`;
  const e = mappedMembers(body);
  e.seq = r.seq;
  return ocsfLineWith(e, members);
}

/**
 * The chain as JSON lines: a header (the anchor, if retention removed a prefix, the public key
 * and `up_to_seq`), each event's hashed record, and each checkpoint right after the event it
 * ends at. `upTo` is the size of a signed checkpoint (`startExport`), so the export ends with
 * the checkpoint that covers its last event: `verifyExportFile` refuses an export without one.
 *
 * Yields the lines as UTF-8 in blocks of about `EXPORT_BLOCK` bytes, each ending with a newline
 * (a line at a time made the HTTP response a chunk per line, and the CLI spent milliseconds an
 * event reading them). Everything is read in one repeatable-read snapshot: the anchor, the
 * checkpoints, and the events with one binary COPY (`storedRows`), which holds a connection
 * until the export is read to its end or abandoned.
 */
export async function* exportChain(
  deps: { db: Db; signer: Pick<Signer, 'keyId' | 'publicKeyPem'> },
  chain: string,
  format: 'jsonl' | 'ocsf',
  upTo: number,
): AsyncIterable<Buffer> {
  const { db, signer } = deps;
  const tx = await db
    .startTransaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute();
  let committed = false;
  try {
    const anchor = await anchorOf(tx, chain);
    const checkpoints = await checkpointsOf(tx, chain, upTo);
    const out = new LineBlocks();
    out.add(
      JSON.stringify({
        type: 'header',
        format: EXPORT_FORMAT,
        event_format: format,
        chain,
        exported_at: new Date().toISOString(),
        up_to_seq: upTo,
        key_id: signer.keyId,
        public_key: signer.publicKeyPem,
        anchor: anchor
          ? {
              seq: Number(anchor.seq),
              hash: anchor.hash.toString('hex'),
              frontier: anchor.frontier.map((f) => f.toString('hex')),
            }
          : null,
      }),
    );
    let next = 0;
    const from = Number(anchor?.seq ?? 0);
    if (from < upTo)
      for await (const rows of storedRows(tx, chain, from, upTo))
        for (const r of rows) {
          out.add(exportEventLine(format, r));
          for (let c = checkpoints[next]; c && c.tree_size <= r.seq; c = checkpoints[++next])
            out.add(JSON.stringify({ type: 'checkpoint', ...c }));
          if (out.bytes >= EXPORT_BLOCK) yield out.take();
        }
    const cosignatures = (await cosignaturesOf(tx, chain)).filter((c) => c.tree_size <= upTo);
    await tx.commit().execute();
    committed = true;
    // The checkpoint at `upTo` ends every export, even one with no event after the anchor (all
    // of them removed by retention), so the offline verifier finds the whole range signed.
    for (; next < checkpoints.length; next++)
      out.add(JSON.stringify({ type: 'checkpoint', ...checkpoints[next] }));
    // What witnesses cosigned, for `ward audit verify --file … --witness-key …`.
    const origin = logOrigin(signer, chain);
    for (const c of cosignatures)
      out.add(
        JSON.stringify({
          type: 'cosignature',
          origin,
          tree_size: c.tree_size,
          root_hash: c.root_hash.toString('hex'),
          key_name: c.key_name,
          signature: c.signature.toString('base64'),
        }),
      );
    if (out.bytes > 0) yield out.take();
  } finally {
    // Abandoned (the client went away) or failed: storedRows has read the COPY to its end.
    // A rollback that fails has lost its connection, which the pool then drops; the error that
    // brought us here is the one to report.
    if (!committed)
      await tx
        .rollback()
        .execute()
        .catch(() => undefined);
  }
}
