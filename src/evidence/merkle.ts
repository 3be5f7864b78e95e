/**
 * @module evidence/merkle
 * RFC 6962 Merkle trees over a chain's events: leaf = SHA-256(0x00 || data), node =
 * SHA-256(0x01 || left || right). A compact range (the roots of the perfect subtrees that make up
 * the first n leaves) gives the tree head of n leaves and grows one leaf at a time, so checkpoints
 * never re-read the whole chain. Proofs are generated as RFC 6962 §2.1.1/§2.1.2 define them and
 * verified with RFC 9162 §2.1.3.2/§2.1.4.2, which consume every element of a proof: a proof that
 * is too long, too short, or for a leaf outside the tree fails, and so does any leaf hash, root or
 * proof element that is not exactly 32 bytes (as transparency-dev/merkle requires: otherwise an
 * empty leaf and an equal empty root would "prove" a one-leaf tree).
 */
import { createHash, hash } from 'node:crypto';

export const EMPTY_ROOT = createHash('sha256').digest();

/** The length of every hash in a tree (SHA-256). */
export const HASH_BYTES = 32;

/** Whether `b` can be a hash of the tree: a Buffer of exactly 32 bytes. */
export const isHash = (b: unknown): b is Buffer => Buffer.isBuffer(b) && b.length === HASH_BYTES;

// Scratch inputs for one-shot hashing (leaves and nodes are over 32-byte hashes on the hot path).
// The digest comes as a latin1 string copied into a pooled Buffer: as a Buffer it costs a fresh
// ArrayBuffer per hash (see chain.ts linkHash); verification hashes two of these per event.
const leafInput = Buffer.alloc(33);
const nodeInput = Buffer.from([1, ...new Array(64).fill(0)]);

export function leafHash(data: Buffer): Buffer {
  if (data.length !== 32)
    return createHash('sha256')
      .update(Buffer.from([0]))
      .update(data)
      .digest();
  data.copy(leafInput, 1);
  return Buffer.from(hash('sha256', leafInput, 'binary'), 'latin1');
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  if (left.length !== 32 || right.length !== 32)
    return createHash('sha256')
      .update(Buffer.from([1]))
      .update(left)
      .update(right)
      .digest();
  left.copy(nodeInput, 1);
  right.copy(nodeInput, 33);
  return Buffer.from(hash('sha256', nodeInput, 'binary'), 'latin1');
}

/** The largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The root of the subtree over leaves [from, to). */
export type Subtrees = (from: number, to: number) => Buffer;

/** MTH over an array of leaf hashes. */
function arraySubtrees(leaves: readonly Buffer[]): Subtrees {
  const root: Subtrees = (from, to) => {
    const n = to - from;
    if (n === 0) return EMPTY_ROOT;
    if (n === 1) return leaves[from] as Buffer;
    const k = split(n);
    return nodeHash(root(from, from + k), root(from + k, to));
  };
  return root;
}

/**
 * Subtrees of a tree whose first `prefix.size` leaves are known only by their compact range (a
 * chain whose oldest events retention removed) and whose later leaves are `tail`. Every subtree
 * an RFC 6962 proof needs for a leaf at or after the prefix lies either in the tail or is exactly
 * one node of the compact range; anything else throws.
 */
export function prefixedSubtrees(prefix: CompactRange, tail: readonly Buffer[]): Subtrees {
  const nodes = new Map<string, Buffer>();
  let at = 0;
  for (const node of prefix.nodes) {
    const size = 2 ** Math.floor(Math.log2(prefix.size - at));
    nodes.set(`${at}:${at + size}`, node);
    at += size;
  }
  const tailRoot = arraySubtrees(tail);
  const root: Subtrees = (from, to) => {
    if (from >= prefix.size) return tailRoot(from - prefix.size, to - prefix.size);
    const known = nodes.get(`${from}:${to}`);
    if (known) return known;
    if (to <= prefix.size)
      throw new RangeError(`leaves ${from}–${to} were removed and are not one subtree of the anchor`);
    const k = split(to - from);
    return nodeHash(root(from, from + k), root(from + k, to));
  };
  return root;
}

export function treeRoot(leaves: readonly Buffer[]): Buffer {
  return arraySubtrees(leaves)(0, leaves.length);
}

/**
 * The first `size` leaves, summarized as the roots of their perfect subtrees, largest first (the
 * binary decomposition of `size`).
 */
export class CompactRange {
  constructor(
    public size = 0,
    public nodes: Buffer[] = [],
  ) {}

  append(leaf: Buffer): void {
    let node = leaf;
    // Merge with the last node as long as they are siblings of equal height.
    for (let s = this.size; s & 1; s >>= 1) node = nodeHash(this.nodes.pop() as Buffer, node);
    this.nodes.push(node);
    this.size += 1;
  }

  root(): Buffer {
    if (this.nodes.length === 0) return EMPTY_ROOT;
    let r = this.nodes[this.nodes.length - 1] as Buffer;
    for (let i = this.nodes.length - 2; i >= 0; i--) r = nodeHash(this.nodes[i] as Buffer, r);
    return r;
  }

  clone(): CompactRange {
    return new CompactRange(this.size, [...this.nodes]);
  }
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1: the audit path of leaf `index` in a tree of `size`. */
export function inclusionPath(subtree: Subtrees, index: number, size: number): Buffer[] {
  if (!(Number.isSafeInteger(index) && index >= 0 && index < size))
    throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path = (m: number, from: number, to: number): Buffer[] => {
    const n = to - from;
    if (n === 1) return [];
    const k = split(n);
    return m < k
      ? [...path(m, from, from + k), subtree(from + k, to)]
      : [...path(m - k, from + k, to), subtree(from, from + k)];
  };
  return path(index, 0, size);
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2: proves the tree of size m is a prefix of the tree of size n. */
export function consistencyPath(subtree: Subtrees, m: number, n: number): Buffer[] {
  if (!(m > 0 && m <= n)) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  const sub = (k: number, from: number, to: number, complete: boolean): Buffer[] => {
    const size = to - from;
    if (k === size) return complete ? [] : [subtree(from, to)];
    const s = split(size);
    return k <= s
      ? [...sub(k, from, from + s, complete), subtree(from + s, to)]
      : [...sub(k - s, from + s, to, false), subtree(from, from + s)];
  };
  return sub(m, 0, n, true);
}

export function inclusionProof(leaves: readonly Buffer[], index: number, size = leaves.length): Buffer[] {
  if (size > leaves.length) throw new RangeError(`a tree of ${size} needs ${size} leaves`);
  return inclusionPath(arraySubtrees(leaves), index, size);
}

export function consistencyProof(leaves: readonly Buffer[], m: number, n = leaves.length): Buffer[] {
  if (n > leaves.length) throw new RangeError(`a tree of ${n} needs ${n} leaves`);
  return consistencyPath(arraySubtrees(leaves), m, n);
}

/** RFC 9162 §2.1.3.2; the leaf hash, the root and every proof element must be 32 bytes. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Buffer,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size))
    return false;
  if (!(isHash(leaf) && isHash(root) && proof.every(isHash))) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/**
 * RFC 9162 §2.1.4.2; equal sizes need an empty proof and equal roots, and both roots and every
 * proof element must be 32 bytes.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Buffer,
  secondRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(second) && first > 0 && first <= second))
    return false;
  if (!(isHash(firstRoot) && isHash(secondRoot) && proof.every(isHash))) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Buffer;
  let sr = path[0] as Buffer;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}
