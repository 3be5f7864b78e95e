/**
 * @module evidence/signed-document
 * The envelope every signed Ward document shares (the compliance report, an incident's evidence
 * packet): `document` is RFC 8785 canonical JSON, the exact bytes Ward signed; `signature` is
 * Ed25519 over them, base64; `public_key` (SPKI PEM) and `key_id` name the key. The key inside the
 * file only proves that the file is intact; whoever pins Ward's own key (`ward audit public-key`)
 * also proves that their Ward issued it. Pure: no server, no database.
 */
import { createHash } from 'node:crypto';
import { keyIdOfPublicKey, type Signer, verifySignature } from '../lib/signing.js';
import { canonicalize } from './canonical.js';

/** What Ward hands out as a signed document's JSON file. */
export interface SignedFile {
  id: string;
  document: string;
  signature: string;
  public_key: string;
  key_id: string;
}

/** A document as Ward signed it: its canonical bytes, their SHA-256 (hex), the signature. */
export interface SignedDocument {
  document: string;
  sha256: string;
  signature: Buffer;
  key_id: string;
}

/**
 * Canonical JSON of `doc`, signed. A round trip through JSON first drops what JSON cannot carry
 * (undefined members, dates become their text) before the canonical form is taken.
 */
export function signDocument(doc: object, signer: Signer): SignedDocument {
  const document = canonicalize(JSON.parse(JSON.stringify(doc)));
  return {
    document,
    sha256: createHash('sha256').update(document).digest('hex'),
    signature: signer.sign(document),
    key_id: signer.keyId,
  };
}

/** The members every signed document carries. */
export interface SignedHead {
  type: string;
  version: number;
  id: string;
  issuer: { signing_key_id: string };
}

/** What a document is called in messages and the type and version this Ward reads. */
export interface DocumentKind {
  noun: string;
  title: string;
  type: string;
  version: number;
}

export type EnvelopeCheck<H> =
  | { ok: true; head: H; key: string; keyId: string; pinned: boolean }
  | { ok: false; problem: string };

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function keyIdOf(pem: string): string | undefined {
  try {
    return keyIdOfPublicKey(pem);
  } catch {
    return undefined;
  }
}

function parsed<H>(document: string): H | undefined {
  try {
    const value = JSON.parse(document) as H;
    return value && typeof value === 'object' && canonicalize(value) === document ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks the envelope of `file` (parsed JSON) against `pinnedKeyPem`, or against the key the file
 * carries when none is pinned: the signature, the key's id, the document's canonical form, type,
 * version, issuer key and id. Says what is wrong in one sentence when it does not hold.
 */
export function checkEnvelope<H extends SignedHead>(
  file: unknown,
  kind: DocumentKind,
  pinnedKeyPem?: string,
): EnvelopeCheck<H> {
  const fail = (problem: string) => ({ ok: false as const, problem });
  const { noun } = kind;
  const f = file as Partial<SignedFile> | null;
  if (!f || typeof f !== 'object' || !isText(f.document) || !isText(f.signature) || !isText(f.public_key))
    return fail(`this is not a signed ${kind.title} (document, signature, public_key)`);
  const embeddedId = keyIdOf(f.public_key);
  if (!embeddedId) return fail("the file's public_key is not a PEM public key");
  const key = pinnedKeyPem ?? f.public_key;
  const keyId = pinnedKeyPem ? keyIdOf(pinnedKeyPem) : embeddedId;
  if (!keyId) return fail('the public key given is not a PEM public key');
  if (!verifySignature(key, f.document, Buffer.from(f.signature, 'base64')))
    return fail(
      pinnedKeyPem && embeddedId !== keyId
        ? `the ${noun} is not signed by the key you gave (key id ${keyId}); the file names key ${embeddedId}`
        : `the signature does not verify with key ${keyId}: the ${noun} was changed after Ward signed it`,
    );
  if (embeddedId !== keyId || f.key_id !== keyId)
    return fail(`the file names key ${f.key_id ?? embeddedId}, but key ${keyId} signed the ${noun}`);
  const head = parsed<H>(f.document);
  if (!head || head.type !== kind.type)
    return fail(`the signed document is not a ${kind.title} (type ${kind.type}) in canonical JSON`);
  if (head.version !== kind.version)
    return fail(`${noun} version ${head.version} is not one this Ward reads (${kind.version})`);
  if (head.issuer?.signing_key_id !== keyId)
    return fail(`the ${noun} says key ${head.issuer?.signing_key_id} signed it, but key ${keyId} did`);
  if (f.id !== undefined && f.id !== head.id)
    return fail(`the file's id ${f.id} is not the signed ${noun}'s id ${head.id}`);
  return { ok: true, head, key, keyId, pinned: pinnedKeyPem !== undefined };
}
