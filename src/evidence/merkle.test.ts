import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  consistencyProof,
  EMPTY_ROOT,
  inclusionPath,
  inclusionProof,
  leafHash,
  prefixedSubtrees,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

// RFC 6962 test vectors, from the Certificate Transparency reference implementation's tests.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => leafHash(Buffer.from(h, 'hex')));
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map((h) => Buffer.from(h, 'hex'));
const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));
const h = (s: string) => Buffer.from(s, 'hex');

describe('RFC 6962 Merkle tree', () => {
  it('matches the reference roots for every size from 0 to 8, batch and incremental', () => {
    const range = new CompactRange();
    expect(range.root().equals(EMPTY_ROOT)).toBe(true);
    for (let n = 0; n <= 8; n++) {
      expect(treeRoot(LEAVES.slice(0, n)).toString('hex'), `size ${n}`).toBe(ROOTS[n]?.toString('hex'));
      expect(range.root().toString('hex'), `compact range at ${n}`).toBe(ROOTS[n]?.toString('hex'));
      if (n < 8) range.append(LEAVES[n] as Buffer);
    }
  });

  it('produces the reference inclusion proofs', () => {
    expect(hex(inclusionProof(LEAVES, 0, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(inclusionProof(LEAVES, 5, 8))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(inclusionProof(LEAVES, 0, 1)).toEqual([]);
  });

  it('produces the reference consistency proofs', () => {
    expect(consistencyProof(LEAVES, 1, 1)).toEqual([]);
    expect(hex(consistencyProof(LEAVES, 1, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(consistencyProof(LEAVES, 6, 8))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(consistencyProof(LEAVES, 2, 5))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
  });

  it('verifies the reference proofs and refuses any altered element, a missing or extra element, or a leaf outside the tree', () => {
    const root8 = ROOTS[8] as Buffer;
    const proof = inclusionProof(LEAVES, 5, 8);
    expect(verifyInclusion(5, 8, LEAVES[5] as Buffer, proof, root8)).toBe(true);
    for (let i = 0; i < proof.length; i++) {
      const bad = proof.map((p, j) => (j === i ? Buffer.from(p.map((b, k) => (k === 0 ? b ^ 1 : b))) : p));
      expect(verifyInclusion(5, 8, LEAVES[5] as Buffer, bad, root8), `element ${i}`).toBe(false);
    }
    expect(verifyInclusion(5, 8, LEAVES[5] as Buffer, proof.slice(0, 2), root8)).toBe(false);
    expect(verifyInclusion(5, 8, LEAVES[5] as Buffer, [...proof, h('00'.repeat(32))], root8)).toBe(false);
    expect(verifyInclusion(8, 8, LEAVES[5] as Buffer, proof, root8)).toBe(false);
    expect(verifyInclusion(-1, 8, LEAVES[5] as Buffer, proof, root8)).toBe(false);
    expect(verifyInclusion(4, 8, LEAVES[5] as Buffer, proof, root8)).toBe(false);
    expect(() => inclusionProof(LEAVES, 8, 8)).toThrow(RangeError);

    const c = consistencyProof(LEAVES, 6, 8);
    expect(verifyConsistency(6, 8, ROOTS[6] as Buffer, root8, c)).toBe(true);
    expect(verifyConsistency(6, 8, ROOTS[5] as Buffer, root8, c)).toBe(false);
    expect(verifyConsistency(6, 8, ROOTS[6] as Buffer, root8, c.slice(1))).toBe(false);
    expect(verifyConsistency(6, 8, ROOTS[6] as Buffer, root8, [...c, c[0] as Buffer])).toBe(false);
    expect(verifyConsistency(9, 8, ROOTS[6] as Buffer, root8, c)).toBe(false);
    expect(verifyConsistency(8, 8, root8, root8, [])).toBe(true);
    expect(verifyConsistency(8, 8, root8, root8, c)).toBe(false);
  });

  it('generates proofs that verify, and only for the right leaf and root, for any tree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), (n, a, b) => {
        const leaves = Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
        const range = new CompactRange();
        for (const l of leaves) range.append(l);
        const root = treeRoot(leaves);
        expect(range.root().equals(root)).toBe(true);
        const i = a % n;
        expect(verifyInclusion(i, n, leaves[i] as Buffer, inclusionProof(leaves, i), root)).toBe(true);
        expect(verifyInclusion(i, n, leafHash(Buffer.from('forged')), inclusionProof(leaves, i), root)).toBe(
          false,
        );
        const m = (b % n) + 1;
        const mRoot = treeRoot(leaves.slice(0, m));
        expect(verifyConsistency(m, n, mRoot, root, consistencyProof(leaves, m))).toBe(true);
        if (m < n) expect(verifyConsistency(m, n, root, root, consistencyProof(leaves, m))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('proofs after retention removed a prefix', () => {
  it('are the same as with every leaf, for every leaf after the anchor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.nat(), fc.nat(), (n, p, a) => {
        const leaves = Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
        const prefixSize = (p % (n - 1)) + 1;
        const prefix = new CompactRange();
        for (const l of leaves.slice(0, prefixSize)) prefix.append(l);
        const view = prefixedSubtrees(prefix, leaves.slice(prefixSize));
        const index = prefixSize + (a % (n - prefixSize));
        expect(hex(inclusionPath(view, index, n))).toEqual(hex(inclusionProof(leaves, index)));
        expect(view(0, n).equals(treeRoot(leaves))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
