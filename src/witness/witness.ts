/**
 * @module witness/witness
 * The add-checkpoint decision of c2sp.org/tlog-witness, in the spec's order: a known origin
 * (404), a valid signature by a trusted key of that origin, ignoring unknown keys (403), an old
 * size no larger than the checkpoint's (400), the old size equal to the latest cosigned one (409
 * with that size), a consistency proof from it (422), and, at equal sizes, an equal root (409).
 * The check of the old size and the commit run under one lock per origin, so a slower request can
 * never roll the stored size back; the state is on disk before the cosignature is returned.
 */

import {
  type CheckpointBody,
  cosign,
  ED25519,
  EMPTY_ROOT,
  formatNote,
  type Note,
  NoteError,
  type NoteVerifier,
  noteSignedBy,
  parseVkey,
  signatureLine,
  verifyConsistency,
} from '../evidence/index.js';
import type { WitnessKey } from './keys.js';
import type { AddCheckpoint } from './request.js';
import type { Cosigned, HistoryEntry, WitnessStore } from './state.js';

/** A refused request: the HTTP status tlog-witness names, and for 409 the latest cosigned size. */
export class Refusal extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 422 | 503,
    message: string,
    readonly latestSize?: number,
  ) {
    super(message);
  }
}

/** Trusted log keys by origin (a log may have several keys, e.g. while it rotates). */
export type TrustedLogs = ReadonlyMap<string, readonly NoteVerifier[]>;

/** Parses the configured log vkeys; each must be an Ed25519 (type 0x01) key named by its origin. */
export function trustedLogs(vkeys: readonly string[]): TrustedLogs {
  if (vkeys.length === 0)
    throw new Error('the witness trusts no log: pass at least one log verifier key in `logs`');
  const logs = new Map<string, NoteVerifier[]>();
  vkeys.forEach((text, i) => {
    let v: NoteVerifier;
    try {
      v = parseVkey(text, ED25519);
    } catch (err) {
      throw new Error(`logs[${i}]: ${(err as Error).message}`);
    }
    logs.set(v.name, [...(logs.get(v.name) ?? []), v]);
  });
  return logs;
}

export interface Witness {
  /** The cosignature line for an accepted checkpoint; throws a `Refusal` otherwise. */
  addCheckpoint(req: AddCheckpoint): Promise<string>;
  latest(origin: string): Cosigned | undefined;
  history(origin: string): Promise<HistoryEntry[]>;
  origins(): string[];
}

const quoted = (s: string) => `'${s.length > 80 ? `${s.slice(0, 80)}…` : s}'`;

/** Runs `fn` after every earlier call for the same key has settled. */
function keyedLock() {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

function signedBy(note: Note, v: NoteVerifier): boolean {
  try {
    return noteSignedBy(note, v);
  } catch (err) {
    if (err instanceof NoteError) return false;
    throw err;
  }
}

/** The log's signatures the witness checked (from keys that verified); it keeps them with its own. */
function verifiedSignatures(note: Note, keys: readonly NoteVerifier[]): Note['signatures'] {
  const good = keys.filter((v) => signedBy(note, v));
  return note.signatures.filter((s) => good.some((v) => v.name === s.name && v.keyId.equals(s.keyId)));
}

/** The stored checkpoint `req` must extend (size 0 and the empty tree's root when none). */
function checkExtends(req: AddCheckpoint, known: { size: number; root: Buffer }): void {
  const { oldSize, proof, checkpoint: c } = req;
  if (oldSize !== known.size)
    throw new Refusal(409, `the latest checkpoint cosigned is of size ${known.size}`, known.size);
  if (oldSize === c.size) {
    if (!c.root.equals(known.root))
      throw new Refusal(409, `a different root was cosigned for size ${c.size}`, known.size);
    if (proof.length > 0) throw new Refusal(422, 'a proof between equal sizes is empty');
    return;
  }
  if (oldSize > 0 && !verifyConsistency(oldSize, c.size, known.root, c.root, proof))
    throw new Refusal(422, `the proof does not show that size ${c.size} extends size ${oldSize}`);
}

export function createWitness(deps: {
  key: WitnessKey;
  logs: TrustedLogs;
  store: WitnessStore;
  now: () => number;
}): Witness {
  const { key, logs, store, now } = deps;
  const locked = keyedLock();

  const cosignLine = (body: string, timestamp: number) => {
    const sig = cosign(body, key.verifier, key.privateKey, timestamp);
    return { sig, line: signatureLine(sig.name, sig.keyId, sig.signature) };
  };

  return {
    async addCheckpoint(req) {
      const c: CheckpointBody = req.checkpoint;
      const keys = logs.get(c.origin);
      if (!keys) throw new Refusal(404, `the witness does not know the log ${quoted(c.origin)}`);
      const logSignatures = verifiedSignatures(req.note, keys);
      if (logSignatures.length === 0)
        throw new Refusal(403, `no signature by a trusted key of ${quoted(c.origin)} verifies`);
      if (req.oldSize > c.size)
        throw new Refusal(400, `the old size ${req.oldSize} is larger than the checkpoint's ${c.size}`);
      return locked(c.origin, async () => {
        const known = store.latest(c.origin);
        checkExtends(req, known ?? { size: 0, root: EMPTY_ROOT });
        const timestamp = Math.floor(now());
        const { sig, line } = cosignLine(req.note.body, timestamp);
        // Nothing new (the same size and root): cosign again, the state stays as it is.
        if (req.oldSize === c.size) return line;
        const note = formatNote({ body: req.note.body, signatures: [...logSignatures, sig] });
        try {
          await store.commit(c.origin, { size: c.size, root: c.root, timestamp, note });
        } catch (err) {
          throw new Refusal(503, `the witness could not save its state: ${(err as Error).message}`);
        }
        return line;
      });
    },
    latest: (origin) => store.latest(origin),
    history: (origin) => store.history(origin),
    origins: () => [...logs.keys()],
  };
}
