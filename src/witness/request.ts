/**
 * @module witness/request
 * The body of a tlog-witness `add-checkpoint` request (c2sp.org/tlog-witness), both ways: the
 * witness parses it strictly, and Ward (the log) builds it with `addCheckpointRequest`. The body
 * is an `old <size>` line, 0–63 base64 hash lines (the consistency proof), an empty line, and the
 * checkpoint as a signed note. Anything else is a malformed request (400).
 */
import {
  type CheckpointBody,
  MAX_PROOF_LINES,
  type Note,
  parseCheckpointBody,
  parseNote,
} from '../evidence/index.js';

/** 63 proof lines and a checkpoint with dozens of signatures fit in ~8 KiB; a larger body is not one. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A request that does not follow the format; its message says what is wrong. */
export class MalformedRequest extends Error {}

export interface AddCheckpoint {
  oldSize: number;
  /** The consistency proof from `oldSize` to the checkpoint's size, 32-byte hashes. */
  proof: Buffer[];
  /** The signed note as submitted (its body is the checkpoint). */
  note: Note;
  checkpoint: CheckpointBody;
}

const OLD_LINE = /^old (0|[1-9][0-9]{0,15})$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function hashLine(line: string, at: number): Buffer {
  const hash = Buffer.from(line, 'base64');
  if (hash.length !== 32 || hash.toString('base64') !== line)
    throw new MalformedRequest(`proof line ${at} is not a base64 32-byte hash`);
  return hash;
}

export function parseAddCheckpoint(body: Buffer): AddCheckpoint {
  if (body.length > MAX_BODY_BYTES) throw new MalformedRequest(`the body is over ${MAX_BODY_BYTES} bytes`);
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new MalformedRequest('the body is not UTF-8 text');
  }
  const split = text.indexOf('\n\n');
  if (split < 0)
    throw new MalformedRequest('the body has no empty line between the proof and the checkpoint');
  const [oldLine = '', ...proofLines] = text.slice(0, split).split('\n');
  const old = OLD_LINE.exec(oldLine);
  if (!old)
    throw new MalformedRequest('the first line is not "old <size>" (a decimal without leading zeros)');
  const oldSize = Number(old[1]);
  if (!Number.isSafeInteger(oldSize)) throw new MalformedRequest('the old size is too large');
  if (proofLines.length > MAX_PROOF_LINES)
    throw new MalformedRequest(`the proof has ${proofLines.length} lines; at most ${MAX_PROOF_LINES}`);
  const proof = proofLines.map((line, i) => hashLine(line, i + 1));
  if (oldSize === 0 && proof.length > 0)
    throw new MalformedRequest('the proof must be empty when the old size is 0');
  let note: Note;
  let checkpoint: CheckpointBody;
  try {
    note = parseNote(text.slice(split + 2));
    checkpoint = parseCheckpointBody(note.body);
  } catch (err) {
    throw new MalformedRequest(`the checkpoint is not a signed note: ${(err as Error).message}`);
  }
  return { oldSize, proof, note, checkpoint };
}
