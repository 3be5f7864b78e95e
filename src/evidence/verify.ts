/**
 * @module evidence/verify
 * Recomputes a chain and names the first bad `seq` and the kind of damage:
 *
 * - modified    an event's bytes (or a column beside them) no longer match its hash, or an
 *               event was rewritten and re-hashed so the next event's link breaks, or a
 *               checkpoint's signature does not verify;
 * - deleted     a gap in `seq` inside the chain;
 * - reordered   an intact event sits at the wrong place (its link names another event);
 * - truncated   the chain ends before what Ward's own records (chain head, checkpoints) say;
 * - rolled_back the chain is consistent but a checkpoint held elsewhere (a sink, an export)
 *               (or a witness's cosignature) covers more events than remain: the database was
 *               restored to an earlier state;
 * - forked      the chain is consistent but a signed checkpoint's root differs from the events
 *               (history was rewritten after it was signed), or two events claim one `seq`;
 *               or a checkpoint a witness cosigned differs from the events: rolled back and
 *               appended again, or rewritten and re-signed with Ward's own key;
 * - unsealed    (the database only, by Ward itself: audit/vouch) the chain is consistent, but
 *               events after its last signed checkpoint are not covered by the seals Ward's
 *               writers leave: someone without Ward's key appended or rewrote them.
 *
 * The source is abstract (batches of rows in seq order) so the same code checks the database
 * and an export file offline. A body may be a string (an export file) or the bytes as stored
 * (the database's binary COPY), which are hashed without decoding them.
 */
import { GENESIS_HASH, linkHash } from './chain.js';
import { type Checkpoint, checkpointSignatureValid } from './checkpoints.js';
import type { WitnessedCheckpoint } from './cosigned.js';
import { CompactRange, leafHash } from './merkle.js';

export const DAMAGE = [
  'modified',
  'deleted',
  'reordered',
  'truncated',
  'rolled_back',
  'forked',
  'unsealed',
] as const;
export type Damage = (typeof DAMAGE)[number];

export interface VerifyReport {
  ok: boolean;
  chain: string;
  events: number;
  checkpoints: number;
  external_checkpoints: number;
  first_bad_seq: number | null;
  damage: Damage | null;
  detail: string | null;
}

export interface ChainRow {
  seq: number;
  /** The hashed record: text, or its UTF-8 bytes. */
  body: string | Buffer;
  prev_hash: Buffer;
  hash: Buffer;
}

export interface Anchor {
  seq: number;
  hash: Buffer;
  frontier: Buffer[];
}

export interface VerifyInput {
  chain: string;
  publicKeyPem: string;
  anchor?: Anchor;
  /** Batches of rows in (seq, time) order. */
  rows: AsyncIterable<ChainRow[]>;
  /** The source's own signed checkpoints. */
  checkpoints: Checkpoint[];
  /** Checkpoints held elsewhere (sinks, earlier exports). */
  external?: Checkpoint[];
  /** Checkpoints witnesses cosigned, their cosignatures already checked. */
  witnessed?: WitnessedCheckpoint[];
  /** How many events the source's own head says the chain has. */
  head?: number;
  /**
   * Whether `hash` is the hash of some event in the chain (tells reordering from rewriting).
   * Asked only once `rows` has been left, so a source may be a query holding the connection.
   */
  knownHash?(hash: Buffer): Promise<boolean>;
  /** The first event whose stored columns disagree with its hashed bytes (database only). */
  columnMismatch?: Promise<{ seq: number; column: string } | undefined>;
}

interface Finding {
  seq: number;
  damage: Damage;
  detail: string;
}

const hex = (b: Buffer) => b.toString('hex');
const RECENT = 10_000;

export async function verifyChain(input: VerifyInput): Promise<VerifyReport> {
  const { chain, anchor } = input;
  const findings: Finding[] = [];
  const found = (seq: number, damage: Damage, detail: string) => findings.push({ seq, damage, detail });

  // Signed checkpoints first: a bad signature is tampering wherever it sits, and an unsigned
  // claim is never used to judge the events.
  const signed = (cp: Checkpoint) => cp.chain === chain && checkpointSignatureValid(cp, input.publicKeyPem);
  const internal = [...input.checkpoints]
    .sort((a, b) => a.tree_size - b.tree_size)
    .filter((cp) => {
      if (signed(cp)) return true;
      found(
        cp.tree_size,
        'modified',
        `the checkpoint at size ${cp.tree_size} does not carry a valid signature for chain ${chain}`,
      );
      return false;
    });
  const external = (input.external ?? []).filter(signed);
  const wanted = new Map<number, Checkpoint[]>();
  for (const cp of [...internal, ...external])
    wanted.set(cp.tree_size, [...(wanted.get(cp.tree_size) ?? []), cp]);

  const witnessedAt = new Map<number, WitnessedCheckpoint[]>();
  for (const w of input.witnessed ?? [])
    witnessedAt.set(w.tree_size, [...(witnessedAt.get(w.tree_size) ?? []), w]);
  // The largest size a witness cosigned that the events agree with: what a rewrite came after.
  let lastWitnessed = anchor?.seq ?? 0;

  const range = anchor ? new CompactRange(anchor.seq, anchor.frontier) : new CompactRange();
  let prev = anchor?.hash ?? GENESIS_HASH;
  let expected = (anchor?.seq ?? 0) + 1;
  let lastGoodCheckpoint = anchor?.seq ?? 0;
  let events = 0;
  const roots = new Map<number, Buffer>();
  // The hashes of the last RECENT events: a copy delivered at least once may repeat a batch, and
  // an identical repeat (same seq, same hash) is not damage. A different event at an old seq is.
  // A ring indexed by seq (no map to grow and shrink once per event).
  const recentSeq = new Float64Array(RECENT).fill(Number.NaN);
  const recentHash = new Array<Buffer>(RECENT);
  // An event that does not link to the one before it; judged after the stream is left.
  let brokenLink: { seq: number; prevHash: Buffer; intact: boolean } | undefined;

  stream: for await (const batch of input.rows) {
    for (const row of batch) {
      if (row.seq < expected) {
        const slot = row.seq % RECENT;
        if (recentSeq[slot] === row.seq && recentHash[slot]?.equals(row.hash)) continue;
        found(row.seq, 'forked', `two events claim seq ${row.seq}`);
        break stream;
      }
      if (row.seq > expected) {
        found(
          expected,
          'deleted',
          `events ${expected}${row.seq - 1 > expected ? `–${row.seq - 1}` : ''} are missing`,
        );
        break stream;
      }
      const hash = linkHash(row.prev_hash, row.body);
      const intact = hash.equals(row.hash);
      if (!row.prev_hash.equals(prev)) {
        brokenLink = { seq: row.seq, prevHash: row.prev_hash, intact };
        break stream;
      }
      if (!intact) {
        found(row.seq, 'modified', `event ${row.seq} no longer matches its hash`);
        break stream;
      }
      range.append(leafHash(row.hash));
      recentSeq[row.seq % RECENT] = row.seq;
      recentHash[row.seq % RECENT] = row.hash;
      prev = row.hash;
      expected += 1;
      events += 1;
      for (const cp of wanted.get(range.size) ?? []) {
        const root = range.root();
        roots.set(range.size, root);
        if (cp.root_hash !== hex(root) || cp.last_hash !== hex(row.hash)) {
          const whose = external.includes(cp) ? 'a checkpoint held elsewhere' : 'the signed checkpoint';
          found(
            lastGoodCheckpoint + 1,
            'forked',
            `${whose} at size ${cp.tree_size} disagrees with the events: history was rewritten after event ${lastGoodCheckpoint}`,
          );
          break stream;
        }
        lastGoodCheckpoint = range.size;
      }
      for (const w of witnessedAt.get(range.size) ?? []) {
        const root = roots.get(range.size) ?? range.root();
        roots.set(range.size, root);
        if (w.root_hash !== hex(root)) {
          found(
            lastWitnessed + 1,
            'forked',
            `witness ${w.witness} cosigned another root for the first ${w.tree_size} events: events ${lastWitnessed + 1}–${w.tree_size} were rolled back or rewritten after it cosigned them`,
          );
          break stream;
        }
        lastWitnessed = range.size;
      }
    }
  }

  if (brokenLink) {
    const { seq, prevHash, intact } = brokenLink;
    if (intact && input.knownHash && (await input.knownHash(prevHash))) {
      found(
        seq,
        'reordered',
        `event ${seq} is intact but links to another event than ${seq - 1}: events were moved`,
      );
    } else if (intact && seq > (anchor?.seq ?? 0) + 1) {
      found(seq - 1, 'modified', `event ${seq - 1} was rewritten: event ${seq} links to a different hash`);
    } else {
      found(seq, 'modified', `event ${seq} does not link to the event before it`);
    }
  }

  const mismatch = await input.columnMismatch;
  if (mismatch)
    found(
      mismatch.seq,
      'modified',
      `event ${mismatch.seq}'s ${mismatch.column} column differs from its hashed record`,
    );

  if (findings.length === 0) {
    const n = expected - 1;
    const internalMax = Math.max(input.head ?? 0, ...internal.map((c) => c.tree_size));
    const externalMax = Math.max(0, ...external.map((c) => c.tree_size));
    const witnessedMax = (input.witnessed ?? []).reduce<WitnessedCheckpoint | undefined>(
      (m, w) => (m && m.tree_size >= w.tree_size ? m : w),
      undefined,
    );
    if (witnessedMax && witnessedMax.tree_size > n)
      found(
        n + 1,
        'rolled_back',
        `witness ${witnessedMax.witness} cosigned ${witnessedMax.tree_size} events; the chain ends at ${n}: events ${n + 1}–${witnessedMax.tree_size} were rolled back (the database was restored to an earlier state)`,
      );
    else if (internalMax > n)
      found(n + 1, 'truncated', `Ward's records say the chain had ${internalMax} events; it ends at ${n}`);
    else if (externalMax > n)
      found(
        n + 1,
        'rolled_back',
        `a checkpoint held elsewhere covers ${externalMax} events; the chain ends at ${n}: the database was restored to an earlier state`,
      );
  }

  const first = findings.sort(
    (a, b) => a.seq - b.seq || DAMAGE.indexOf(a.damage) - DAMAGE.indexOf(b.damage),
  )[0];
  return {
    ok: first === undefined,
    chain,
    events,
    checkpoints: internal.filter((c) => c.tree_size <= expected - 1).length,
    external_checkpoints: external.length,
    first_bad_seq: first?.seq ?? null,
    damage: first?.damage ?? null,
    detail: first?.detail ?? null,
  };
}
