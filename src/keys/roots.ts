/**
 * @module keys/roots
 * The keystores that hold root keys, by the id `keys.wrapped_by` records, and which of them is
 * each org's root: Ward's own keystore (the file root key) unless the org moved its root to its
 * own HSM. An org whose HSM keystore could not be opened keeps its assignment without a keystore:
 * its keys are then unavailable rather than silently made under another root.
 */
import type { Keystore } from './keystore.js';

export interface RootKeystores {
  /** Ward's own root: the system key's, and every org's that has none of its own. */
  readonly fallback: Keystore;
  get(id: string): Keystore | undefined;
  add(keystore: Keystore): void;
  remove(id: string): void;
  /** The id of the keystore that wraps `orgId`'s org keys. */
  rootIdOf(orgId: string): string;
  assign(orgId: string, keystoreId: string): void;
  unassign(orgId: string): void;
  /** Why `orgId`'s root key is unavailable (a sentence naming it), if it is: the gateway refuses. */
  problemOf(orgId: string): string | undefined;
  setProblem(orgId: string, problem: string | undefined): void;
}

export function createRootKeystores(fallback: Keystore): RootKeystores {
  const open = new Map<string, Keystore>([[fallback.id, fallback]]);
  const assigned = new Map<string, string>();
  const problems = new Map<string, string>();
  return {
    fallback,
    get: (id) => open.get(id),
    add: (keystore) => void open.set(keystore.id, keystore),
    remove: (id) => {
      if (id !== fallback.id) open.delete(id);
    },
    rootIdOf: (orgId) => assigned.get(orgId) ?? fallback.id,
    assign: (orgId, keystoreId) => void assigned.set(orgId, keystoreId),
    unassign: (orgId) => {
      assigned.delete(orgId);
      problems.delete(orgId);
    },
    problemOf: (orgId) => problems.get(orgId),
    setProblem: (orgId, problem) => {
      if (problem) problems.set(orgId, problem);
      else problems.delete(orgId);
    },
  };
}

/** A keystore id for people: `key "ward-root" on token "acme"` for a PKCS#11 URI, else the id. */
export function describeRoot(id: string): string {
  const m = /^pkcs11:token=([^;]*);object=(.*)$/.exec(id);
  if (!m) return id === 'file:root' ? "Ward's own root key" : id;
  return `key "${decodeURIComponent(m[2] ?? '')}" on token "${decodeURIComponent(m[1] ?? '')}"`;
}
