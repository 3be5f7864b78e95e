/**
 * The C2SP formats as witnesses and other implementations read them: a signed note made by Go's
 * golang.org/x/mod/sumdb/note (its documented example) verifies here; verifier keys round-trip
 * whatever their base64 holds; cosignatures bind the checkpoint and their timestamp; and a
 * quorum counts distinct witnesses that cosigned one size with one root.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkedCosignatures, newestQuorum } from './cosigned.js';
import {
  addCheckpointRequest,
  COSIGNATURE_V1,
  checkpointBody,
  cosign,
  cosignatureTime,
  ED25519,
  encodeVkey,
  formatNote,
  NoteError,
  noteSignedBy,
  parseCheckpointBody,
  parseNote,
  parseVkey,
  rawEd25519,
  signNote,
  verifierFor,
} from './note.js';

const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_NOTE =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n" +
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

function keyPair(name: string, type: typeof ED25519 | typeof COSIGNATURE_V1) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { v: verifierFor(name, type, rawEd25519(publicKey)), privateKey };
}

const root = Buffer.alloc(32, 7);
const body = checkpointBody({ origin: 'ward/abc/org_1', size: 42, root });

describe('signed notes', () => {
  it('verify a note signed by Go’s implementation, and nothing else', () => {
    const v = parseVkey(GO_VKEY, ED25519);
    expect(v.name).toBe('PeterNeumann');
    const note = parseNote(GO_NOTE);
    expect(noteSignedBy(note, v)).toBe(true);
    expect(formatNote(note)).toBe(GO_NOTE);
    expect(noteSignedBy(parseNote(GO_NOTE.replace('answer', 'answers')), v)).toBe(false);
    // A signature by another key is ignored, so the note carries none by this one.
    const other = keyPair('PeterNeumann', ED25519).v;
    expect(noteSignedBy(note, other)).toBe(false);
  });

  it('sign and verify a checkpoint as a log, with extension lines kept in the body', () => {
    const { v, privateKey } = keyPair('ward/abc/org_1', ED25519);
    const extended = `${body}extension line\n`;
    const note = formatNote({
      body: extended,
      signatures: [signNote(extended, v, (d) => sign(null, d, privateKey))],
    });
    const parsed = parseNote(note);
    expect(parsed.body).toBe(extended);
    expect(parseCheckpointBody(parsed.body)).toEqual({ origin: 'ward/abc/org_1', size: 42, root });
    expect(noteSignedBy(parsed, v)).toBe(true);
  });

  it('refuse malformed notes and checkpoints with what is wrong', () => {
    expect(() => parseNote('text\n')).toThrow('a note is its text, a blank line, and its signatures');
    expect(() => parseNote('text\u0007\n\n\u2014 a AAAAAAA=\n')).toThrow('no control characters');
    expect(() => parseNote('text\n\n- a AAAAAAA=\n')).toThrow('a signature line is');
    expect(() => parseCheckpointBody(`o\n042\n${root.toString('base64')}\n`)).toThrow(
      'a decimal without leading zeros',
    );
    expect(() => parseCheckpointBody('o\n42\nAAAA\n')).toThrow('not a base64 32-byte hash');
    expect(() => parseCheckpointBody('o\n42\n')).toThrow('an origin, a size and a root hash');
  });
});

describe('verifier keys', () => {
  it('round-trip for any key, also when its base64 holds a +', () => {
    let plus = 0;
    for (let i = 0; i < 200; i++) {
      const { v } = keyPair(`witness.example/w${i}`, i % 2 ? ED25519 : COSIGNATURE_V1);
      const text = encodeVkey(v);
      if (text.split('+').length > 3) plus++;
      const back = parseVkey(text);
      expect(back.key.equals(v.key) && back.keyId.equals(v.keyId) && back.type === v.type).toBe(true);
    }
    expect(plus).toBeGreaterThan(0);
  });

  it('refuse a key of the wrong kind, a wrong key id, and a name with a space', () => {
    const { v } = keyPair('w.example/a', COSIGNATURE_V1);
    const text = encodeVkey(v);
    expect(() => parseVkey(text, ED25519)).toThrow(NoteError);
    expect(() => parseVkey(text, ED25519)).toThrow('it is not a log (Ed25519) key');
    expect(() => parseVkey(text.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(
      'the key id does not match',
    );
    expect(() => parseVkey(`a b+${text.split('+').slice(1).join('+')}`)).toThrow('not a verifier key');
    expect(() => verifierFor('a+b', COSIGNATURE_V1, v.key)).toThrow("no spaces, no '+'");
  });
});

describe('cosignatures', () => {
  it('bind the checkpoint body and carry their timestamp (key type 4, cosignature/v1)', () => {
    const { v, privateKey } = keyPair('witness.example/w1', COSIGNATURE_V1);
    const s = cosign(body, v, privateKey, 1_700_000_000);
    expect(s.signature).toHaveLength(72);
    expect(s.signature.readBigUInt64BE(0)).toBe(1_700_000_000n);
    expect(cosignatureTime(body, s, v)).toBe(1_700_000_000);
    const grown = checkpointBody({ origin: 'ward/abc/org_1', size: 43, root });
    expect(cosignatureTime(grown, s, v)).toBeUndefined();
    const later = { ...s, signature: Buffer.from(s.signature) };
    later.signature.writeBigUInt64BE(1_700_000_001n, 0);
    expect(cosignatureTime(body, later, v)).toBeUndefined();
    expect(cosignatureTime(body, s, keyPair('witness.example/w1', COSIGNATURE_V1).v)).toBeUndefined();
  });

  it('count towards a quorum only with a given key, by distinct witnesses on one root', () => {
    const a = keyPair('a.example/w', COSIGNATURE_V1);
    const b = keyPair('b.example/w', COSIGNATURE_V1);
    const stored = (w: typeof a, size: number, r: Buffer) => {
      const s = cosign(checkpointBody({ origin: 'o', size, root: r }), w.v, w.privateKey, 100 + size);
      return {
        origin: 'o',
        tree_size: size,
        root: r,
        key_name: w.v.name,
        signature: Buffer.concat([s.keyId, s.signature]),
      };
    };
    const other = Buffer.alloc(32, 9);
    const all = [stored(a, 5, root), stored(b, 5, root), stored(a, 9, root), stored(b, 9, other)];
    const keys = new Map([
      ['alpha', a.v],
      ['beta', b.v],
    ]);
    const checked = checkedCosignatures(all, keys);
    expect(checked.map((c) => `${c.witness}@${c.tree_size}`)).toEqual([
      'alpha@5',
      'beta@5',
      'alpha@9',
      'beta@9',
    ]);
    expect(newestQuorum(checked, 1)?.tree_size).toBe(9);
    expect(newestQuorum(checked, 2)).toMatchObject({
      tree_size: 5,
      witnesses: ['alpha', 'beta'],
      timestamp: 105,
    });
    expect(checkedCosignatures(all, new Map([['alpha', a.v]]))).toHaveLength(2);
    const forged = { ...all[0], root: other } as (typeof all)[0];
    expect(checkedCosignatures([forged], keys)).toEqual([]);
  });
});

describe('add-checkpoint requests', () => {
  it('are the old size, the proof one hash a line, a blank line and the note', () => {
    const h = Buffer.alloc(32, 1);
    expect(addCheckpointRequest(7, [h], 'note\n\n\u2014 a AAAAAAA=\n')).toBe(
      `old 7\n${h.toString('base64')}\n\nnote\n\n\u2014 a AAAAAAA=\n`,
    );
    expect(() => addCheckpointRequest(0, [h], 'n\n')).toThrow('a proof from size 0 is empty');
    expect(() => addCheckpointRequest(1, new Array(64).fill(h), 'n\n')).toThrow('at most 63');
  });
});
