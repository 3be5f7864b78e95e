/**
 * The offline verifier of an export file: OK only for a file that holds every event its header
 * names and whose last event a signed checkpoint covers. Files are written here with a key of
 * the test's own, as `audit.reads.ts` writes them (header, events, each checkpoint after the event
 * it ends at).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Signer } from '../lib/signing.js';
import { canonicalEvent, GENESIS_HASH, linkHash } from './chain.js';
import { type Checkpoint, signCheckpoint } from './checkpoints.js';
import { CompactRange, leafHash } from './merkle.js';
import { checkProof, verifyExportFile } from './offline.js';

function signer(): Signer {
  const { privateKey } = generateKeyPairSync('ed25519');
  const key = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return {
    keyId: 'test',
    publicKeyPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
    sign: (data) => sign(null, Buffer.from(data), key),
    deriveKey: () => {
      throw new Error('offline verification derives no key');
    },
  };
}

const ward = signer();
const CHAIN = 'org_offline';
type Line = Record<string, unknown>;

/** A chain of `n` events with signed checkpoints at `at`, as export lines (header first). */
function exportOf(n: number, at: number[], key = ward): Line[] {
  const lines: Line[] = [
    {
      type: 'header',
      format: 'ward-audit-export/v1',
      event_format: 'jsonl',
      chain: CHAIN,
      up_to_seq: n,
      public_key: key.publicKeyPem,
      anchor: null,
    },
  ];
  const range = new CompactRange();
  let prev: Buffer = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const body = canonicalEvent({
      chain: CHAIN,
      seq,
      id: `evt_${String(seq).padStart(16, 'a')}`,
      time: '2026-12-06T12:00:00.000Z',
      action: 'org.update',
      outcome: 'success',
      actor: { type: 'system' },
      target: { type: 'org', id: CHAIN },
      details: { n: seq },
    });
    const hash = linkHash(prev, body);
    lines.push({ type: 'event', seq, body, prev_hash: prev.toString('hex'), hash: hash.toString('hex') });
    range.append(leafHash(hash));
    prev = hash;
    if (at.includes(seq)) lines.push({ type: 'checkpoint', ...checkpoint(range, hash, key) });
  }
  return lines;
}

function checkpoint(range: CompactRange, last: Buffer, key: Signer): Checkpoint {
  return signCheckpoint(key, {
    chain: CHAIN,
    tree_size: range.size,
    root_hash: range.root().toString('hex'),
    last_hash: last.toString('hex'),
    time: '2026-12-06T12:00:01.000Z',
  });
}

const dir = mkdtemp(join(tmpdir(), 'ward-offline-'));
let files = 0;
async function verify(lines: Line[]) {
  files += 1;
  const file = join(await dir, `export-${files}.jsonl`);
  await writeFile(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return verifyExportFile(file, ward.publicKeyPem);
}
const events = (lines: Line[]) => lines.filter((l) => l.type === 'event');
const withHeader = (lines: Line[], fields: Line) => [{ ...lines[0], ...fields }, ...lines.slice(1)];

describe('an export file, offline', () => {
  it('verifies when it holds its whole range and ends with a signed checkpoint', async () => {
    expect(await verify(exportOf(12, [5, 10, 12]))).toEqual({
      ok: true,
      chain: CHAIN,
      events: 12,
      checkpoints: 3,
      external_checkpoints: 0,
      first_bad_seq: null,
      damage: null,
      detail: null,
    });
  });

  it('fails with nothing signed: a fabricated export with no checkpoint line', async () => {
    expect(await verify(exportOf(12, []))).toMatchObject({
      ok: false,
      events: 12,
      first_bad_seq: 1,
      damage: 'unsigned',
      detail: "the file holds no checkpoint signed by this key: nothing proves that events 1–12 are Ward's",
    });
    // No events either: a header alone proves nothing.
    expect(await verify(withHeader(exportOf(0, []), { up_to_seq: 0 }))).toMatchObject({
      ok: false,
      first_bad_seq: 1,
      damage: 'unsigned',
      detail: 'the file holds no checkpoint signed by this key, so it proves nothing',
    });
  });

  it('fails when its tail and last checkpoint were cut off, naming the first missing event', async () => {
    const whole = exportOf(12, [5, 10, 12]);
    const cut = whole.slice(0, whole.findIndex((l) => l.seq === 8) + 1); // events 1–8, checkpoint at 5
    expect(await verify(cut)).toMatchObject({
      ok: false,
      events: 8,
      first_bad_seq: 9,
      damage: 'truncated',
      detail:
        'the header says the export runs to event 12, but it ends at event 8: events 9–12 are missing, and before the cut events 6–8 are not covered by a signed checkpoint',
    });
    // The header changed to match the cut: the events after the checkpoint are still unsigned.
    expect(await verify(withHeader(cut, { up_to_seq: 8 }))).toMatchObject({
      ok: false,
      first_bad_seq: 6,
      damage: 'unsigned',
      detail:
        'events 6–8 are not covered by a checkpoint signed by this key (the newest covers 5 events): a tail added after export, or an export cut before its last checkpoint',
    });
    // Cut right after a checkpoint, the header unchanged: truncated, and nothing unsigned.
    const atCheckpoint = whole.slice(
      0,
      whole.findIndex((l) => l.type === 'checkpoint' && l.tree_size === 10) + 1,
    );
    expect(await verify(atCheckpoint)).toMatchObject({
      ok: false,
      first_bad_seq: 11,
      damage: 'truncated',
      detail:
        'the header says the export runs to event 12, but it ends at event 10: events 11–12 are missing',
    });
  });

  it("fails when the header's range runs past its last event, or stops before it", async () => {
    expect(await verify(withHeader(exportOf(12, [5, 12]), { up_to_seq: 13 }))).toMatchObject({
      ok: false,
      first_bad_seq: 13,
      damage: 'truncated',
      detail: 'the header says the export runs to event 13, but it ends at event 12: event 13 is missing',
    });
    expect(await verify(withHeader(exportOf(12, [5, 12]), { up_to_seq: 10 }))).toMatchObject({
      ok: false,
      first_bad_seq: 11,
      damage: 'modified',
    });
  });

  it('fails when only another key signed its checkpoints', async () => {
    expect(await verify(exportOf(6, [6], signer()))).toMatchObject({
      ok: false,
      first_bad_seq: 6,
      damage: 'modified',
    });
  });

  it('accepts a growing copy without up_to_seq (a file sink) only once a checkpoint covers its last event', async () => {
    const sink = withHeader(exportOf(7, [5, 7]), { up_to_seq: undefined });
    expect(await verify(sink)).toMatchObject({ ok: true, events: 7, checkpoints: 2 });
    expect(await verify(sink.slice(0, -1))).toMatchObject({
      ok: false,
      first_bad_seq: 6,
      damage: 'unsigned',
    });
  });

  it('starts from the anchor after retention, and needs a checkpoint after it too', async () => {
    const whole = exportOf(9, [4, 9]);
    const range = new CompactRange();
    for (const e of events(whole).slice(0, 4)) range.append(leafHash(Buffer.from(String(e.hash), 'hex')));
    const anchor = {
      seq: 4,
      hash: String(events(whole)[3]?.hash),
      frontier: range.nodes.map((n) => n.toString('hex')),
    };
    const kept = [{ ...whole[0], anchor }, ...whole.slice(whole.findIndex((l) => l.seq === 5))];
    expect(await verify(kept)).toMatchObject({ ok: true, events: 5 });
    expect(await verify(kept.filter((l) => l.type !== 'checkpoint'))).toMatchObject({
      ok: false,
      first_bad_seq: 5,
      damage: 'unsigned',
    });
  });

  it('refuses a header that is not one', async () => {
    await expect(verify(withHeader(exportOf(2, [2]), { up_to_seq: -1 }))).rejects.toThrow(
      /has an up_to_seq that is no seq: it is not a Ward audit export/,
    );
    await expect(
      verify(withHeader(exportOf(2, [2]), { anchor: { seq: 1, hash: 'zz', frontier: [] } })),
    ).rejects.toThrow(/has a malformed anchor/);
  });
});

describe('an inclusion proof, offline', () => {
  it('refuses a checkpoint whose root is not a 32-byte hash, before anything else', () => {
    const proof = {
      format: 'ward-audit-inclusion-proof/v1' as const,
      event: { body: '{}', prev_hash: '00'.repeat(32), hash: '00'.repeat(32) },
      leaf_index: 0,
      tree_size: 1,
      audit_path: [],
      checkpoint: { root_hash: '' } as unknown as Checkpoint,
      public_key: ward.publicKeyPem,
    };
    expect(checkProof(proof, ward.publicKeyPem)).toEqual({
      ok: false,
      problem: 'the checkpoint is missing or its root is not a 32-byte hash',
    });
  });
});
