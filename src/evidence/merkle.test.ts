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

/**
 * The test vectors of transparency-dev/merkle (Go), `proof/verify_test.go`: its
 * `inclusionProofs`, `consistencyProofs` and `roots` tables over the same eight leaves as above
 * (`leaves`), its corruptions of each proof (`corruptInclusionProof`, `corruptConsistencyProof`)
 * and its edge cases (`TestVerifyInclusionSingleEntry`, `TestVerifyInclusion`,
 * `TestVerifyConsistency`). Apache-2.0, Google LLC.
 */
describe('transparency-dev/merkle test vectors', () => {
  const SOME_HASH = h('abacaba000000000000000000000000000000000000000000060061e00123456');
  const EMPTY_TREE_HASH = h('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  const hs = (...xs: string[]) => xs.map(h);
  /** [leaf (1-based, as in the Go table), tree size, proof]; `{0, 0, nil}` is skipped there too. */
  const INCLUSION: [number, number, Buffer[]][] = [
    [1, 1, []],
    [
      1,
      8,
      hs(
        '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
      ),
    ],
    [
      6,
      8,
      hs(
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
        'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ),
    ],
    [3, 3, hs('fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125')],
    [
      2,
      5,
      hs(
        '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      ),
    ],
  ];
  /** [size1, size2, proof]. */
  const CONSISTENCY: [number, number, Buffer[]][] = [
    [1, 1, []],
    [
      1,
      8,
      hs(
        '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
      ),
    ],
    [
      6,
      8,
      hs(
        '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
        'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ),
    ],
    [
      2,
      5,
      hs(
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      ),
    ],
    [
      6,
      7,
      hs(
        '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
        'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ),
    ],
  ];
  const root = (size: number) => ROOTS[size] as Buffer;
  const flip = (proof: Buffer[], i: number, bit: number) =>
    proof.map((p, j) => (j === i ? Buffer.from(p.map((b, k) => (k === 0 ? b ^ bit : b))) : p));

  /** corruptInclusionProof: every one of these must fail. */
  function corruptInclusion(index: number, size: number, proof: Buffer[], r: Buffer, leaf: Buffer) {
    const probes: [string, number, number, Buffer, Buffer, Buffer[]][] = [
      ['leafIndex - 1', index - 1, size, r, leaf, proof],
      ['leafIndex + 1', index + 1, size, r, leaf, proof],
      ['leafIndex ^ 2', index ^ 2, size, r, leaf, proof],
      ['treeSize * 2', index, size * 2, r, leaf, proof],
      ['treeSize / 2', index, Math.floor(size / 2), r, leaf, proof],
      ['wrong leaf', index, size, r, Buffer.from('WrongLeaf'), proof],
      ['empty root', index, size, EMPTY_TREE_HASH, leaf, proof],
      ['random root', index, size, SOME_HASH, leaf, proof],
      ['trailing garbage', index, size, r, leaf, [...proof, Buffer.alloc(0)]],
      ['trailing root', index, size, r, leaf, [...proof, r]],
      ['preceding garbage', index, size, r, leaf, [Buffer.alloc(0), ...proof]],
      ['preceding root', index, size, r, leaf, [r, ...proof]],
    ];
    for (let i = 0; i < proof.length; i++)
      probes.push([`modified proof[${i}] bit 3`, index, size, r, leaf, flip(proof, i, 8)]);
    if (proof.length > 0) probes.push(['removed component', index, size, r, leaf, proof.slice(0, -1)]);
    if (proof.length > 1)
      probes.push([
        'inserted component',
        index,
        size,
        r,
        leaf,
        [proof[0] as Buffer, SOME_HASH, ...proof.slice(1)],
      ]);
    return probes;
  }

  /** corruptConsistencyProof: every one of these must fail. */
  function corruptConsistency(size1: number, size2: number, r1: Buffer, r2: Buffer, proof: Buffer[]) {
    const wrong = Buffer.from('WrongRoot');
    const probes: [string, number, number, Buffer, Buffer, Buffer[]][] = [
      ['size1 - 1', size1 - 1, size2, r1, r2, proof],
      ['size1 + 1', size1 + 1, size2, r1, r2, proof],
      ['size1 ^ 2', size1 ^ 2, size2, r1, r2, proof],
      ['size2 * 2', size1, size2 * 2, r1, r2, proof],
      ['size2 / 2', size1, Math.floor(size2 / 2), r1, r2, proof],
      ['wrong root1', size1, size2, wrong, r2, proof],
      ['wrong root2', size1, size2, r1, wrong, proof],
      ['swapped roots', size1, size2, r2, r1, proof],
      ['empty proof', size1, size2, r1, r2, []],
      ['trailing garbage', size1, size2, r1, r2, [...proof, Buffer.alloc(0)]],
      ['trailing root1', size1, size2, r1, r2, [...proof, r1]],
      ['trailing root2', size1, size2, r1, r2, [...proof, r2]],
      ['preceding garbage', size1, size2, r1, r2, [Buffer.alloc(0), ...proof]],
      ['preceding root1', size1, size2, r1, r2, [r1, ...proof]],
      ['preceding root2', size1, size2, r1, r2, [r2, ...proof]],
      ['preceding proof[0]', size1, size2, r1, r2, [proof[0] as Buffer, ...proof]],
    ];
    if (proof.length > 0) probes.push(['truncated proof', size1, size2, r1, r2, proof.slice(0, -1)]);
    for (let i = 0; i < proof.length; i++)
      probes.push([`modified proof[${i}] bit 4`, size1, size2, r1, r2, flip(proof, i, 16)]);
    return probes;
  }

  it('verifies every inclusion vector and refuses every corruption of it', () => {
    for (const [leaf, size, proof] of INCLUSION) {
      const index = leaf - 1;
      const leafH = LEAVES[index] as Buffer;
      expect(verifyInclusion(index, size, leafH, proof, root(size)), `${leaf}/${size}`).toBe(true);
      expect(hex(inclusionProof(LEAVES, index, size)), `generated ${leaf}/${size}`).toEqual(hex(proof));
      for (const [desc, i, n, r, l, p] of corruptInclusion(index, size, proof, root(size), leafH))
        expect(verifyInclusion(i, n, l, p, r), `${leaf}/${size}: ${desc}`).toBe(false);
    }
  });

  it('verifies every consistency vector and refuses every corruption of it', () => {
    for (const [m, n, proof] of CONSISTENCY) {
      expect(verifyConsistency(m, n, root(m), root(n), proof), `${m}→${n}`).toBe(true);
      expect(hex(consistencyProof(LEAVES, m, n)), `generated ${m}→${n}`).toEqual(hex(proof));
      // As in the Go test, only proofs that are not empty are corrupted.
      if (proof.length === 0) continue;
      for (const [desc, a, b, r1, r2, p] of corruptConsistency(m, n, root(m), root(n), proof))
        expect(verifyConsistency(a, b, r1, r2, p), `${m}→${n}: ${desc}`).toBe(false);
    }
  });

  it('takes only 32-byte hashes: an empty leaf with an equal empty root proves nothing (single entry)', () => {
    const one = leafHash(Buffer.from('data'));
    const empty = Buffer.alloc(0);
    expect(verifyInclusion(0, 1, one, [], one)).toBe(true);
    expect(verifyInclusion(0, 1, empty, [], one)).toBe(false);
    expect(verifyInclusion(0, 1, one, [], empty)).toBe(false);
    expect(verifyInclusion(0, 1, empty, [], empty)).toBe(false); // wrong hash size
    // A 31- or 33-byte hash anywhere fails, even where the arithmetic would agree.
    const proof = inclusionProof(LEAVES, 5, 8);
    expect(verifyInclusion(5, 8, LEAVES[5] as Buffer, proof, root(8))).toBe(true);
    for (const len of [0, 31, 33]) {
      const odd = Buffer.alloc(len, 7);
      expect(verifyInclusion(5, 8, odd, proof, root(8)), `leaf of ${len}`).toBe(false);
      expect(verifyInclusion(5, 8, LEAVES[5] as Buffer, [...proof.slice(0, 2), odd], root(8))).toBe(false);
      expect(verifyConsistency(len + 1, len + 1, odd, odd, []), `roots of ${len}`).toBe(false);
      expect(
        verifyConsistency(6, 8, root(6), root(8), [odd, ...consistencyProof(LEAVES, 6, 8).slice(1)]),
      ).toBe(false);
    }
  });

  it('refuses an index outside the tree and a root or leaf that is not a hash (TestVerifyInclusion)', () => {
    for (const [index, size] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [2, 1],
    ] as const) {
      expect(verifyInclusion(index, size, SOME_HASH, [], Buffer.alloc(0))).toBe(false);
      expect(verifyInclusion(index, size, Buffer.alloc(0), [], EMPTY_TREE_HASH)).toBe(false);
      expect(verifyInclusion(index, size, SOME_HASH, [], EMPTY_TREE_HASH)).toBe(false);
    }
  });

  it('refuses the edge cases of TestVerifyConsistency, including those Go accepts for sizes 0 or roots of any length', () => {
    const care1 = Buffer.from("don't care 1");
    const care2 = Buffer.from("don't care 2");
    // [size1, size2, root1, root2, proof, what the Go table expects]
    const table: [number, number, Buffer, Buffer, Buffer[], 'error' | 'ok in Go'][] = [
      [0, 0, care1, care2, [], 'error'],
      [1, 1, care1, care2, [], 'error'],
      // Go: "sizes that are always consistent". Ward checkpoints are never empty, and every root
      // is a 32-byte hash, so Ward refuses these three.
      [0, 0, care1, care1, [], 'ok in Go'],
      [0, 1, care1, care2, [], 'ok in Go'],
      [1, 1, care2, care2, [], 'ok in Go'],
      [1, 0, care1, care2, [], 'error'],
      [2, 1, care1, care2, [], 'error'],
      [1, 2, care1, care2, [], 'error'],
      [0, 0, EMPTY_TREE_HASH, care2, [], 'error'],
      [1, 1, EMPTY_TREE_HASH, care2, [], 'error'],
      [0, 0, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [EMPTY_TREE_HASH], 'error'],
      [0, 1, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [EMPTY_TREE_HASH], 'error'],
      [1, 1, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [EMPTY_TREE_HASH], 'error'],
    ];
    for (const [a, b, r1, r2, p, go] of table)
      expect(verifyConsistency(a, b, r1, r2, p), `${a}→${b} (${go})`).toBe(false);
    // The same sizes with equal 32-byte roots and no proof are consistent.
    expect(verifyConsistency(1, 1, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [])).toBe(true);
  });
});
