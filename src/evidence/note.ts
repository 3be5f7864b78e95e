/**
 * @module evidence/note
 * The C2SP formats witnesses speak (c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature):
 *
 * - a checkpoint body is three lines, `<origin>\n<size>\n<base64 root>\n`;
 * - a signed note is the body, a blank line, and signature lines `— <key name> base64(key ID ||
 *   signature)`; the key ID is SHA-256(name || "\n" || type || public key)[:4];
 * - type 0x01 is an Ed25519 signature over the body (the log's own), type 0x04 a timestamped
 *   Ed25519 cosignature over `cosignature/v1\ntime <t>\n` followed by the body (a witness's);
 * - a verifier key (vkey) is `<name>+<key ID hex>+base64(type || public key)`.
 *
 * Pure: the Ward side, the witness and the offline verifier all use these.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

export const ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;
export type NoteKeyType = typeof ED25519 | typeof COSIGNATURE_V1;

const EM_DASH = '\u2014';
/** Verifiers must accept at least 16 signatures; more than this is not a note we read. */
const MAX_SIGNATURES = 64;

export class NoteError extends Error {}

/** A public key as notes name it: who (name), how (type), the key and its 4-byte ID. */
export interface NoteVerifier {
  name: string;
  type: NoteKeyType;
  /** The 32-byte Ed25519 public key. */
  key: Buffer;
  keyId: Buffer;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** The signature bytes after the key ID. */
  signature: Buffer;
}

export interface Note {
  /** The text up to and including its last newline, without the blank separator line. */
  body: string;
  signatures: NoteSignature[];
}

export interface CheckpointBody {
  origin: string;
  size: number;
  root: Buffer;
}

/** Whether `text` holds an ASCII control character (below U+0020), newlines aside when allowed. */
function hasControl(text: string, newlines: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && !(newlines && c === 0x0a)) return true;
  }
  return false;
}

/** Key names are non-empty with no Unicode space, no `+` and no control character. */
export function validKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !hasControl(name, false);
}

export function noteKeyId(name: string, type: NoteKeyType, key: Buffer): Buffer {
  return createHash('sha256')
    .update(name)
    .update(Buffer.from([0x0a, type]))
    .update(key)
    .digest()
    .subarray(0, 4);
}

/** The raw 32 bytes of an Ed25519 public key (PEM, SPKI). */
export function rawEd25519(publicKeyPem: string | KeyObject): Buffer {
  const key = typeof publicKeyPem === 'string' ? createPublicKey(publicKeyPem) : publicKeyPem;
  if (key.asymmetricKeyType !== 'ed25519') throw new NoteError('the key is not an Ed25519 key');
  return Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url');
}

function ed25519Key(raw: Buffer): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

export function verifierFor(name: string, type: NoteKeyType, key: Buffer): NoteVerifier {
  if (!validKeyName(name)) throw new NoteError(`'${name}' is not a key name: no spaces, no '+'`);
  if (key.length !== 32) throw new NoteError('an Ed25519 public key is 32 bytes');
  return { name, type, key, keyId: noteKeyId(name, type, key) };
}

/** `<name>+<key ID hex>+base64(type || key)`. */
export function encodeVkey(v: NoteVerifier): string {
  return `${v.name}+${v.keyId.toString('hex')}+${Buffer.concat([Buffer.from([v.type]), v.key]).toString('base64')}`;
}

const VKEY = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/;

/**
 * Parses a vkey; `type` demands one kind (a log key or a witness key). Split at the first two
 * `+` only: a name holds none, but standard base64 often does.
 */
export function parseVkey(text: string, type?: NoteKeyType): NoteVerifier {
  const bad = (why: string) => new NoteError(`not a verifier key (<name>+<key id>+<base64 key>): ${why}`);
  const m = VKEY.exec(text.trim());
  if (!m) throw bad('write <name>+<8 hex digits>+<base64 key>');
  const [, name, idHex, b64] = m as unknown as [string, string, string, string];
  if (!validKeyName(name)) throw bad('the name holds a space or a control character');
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.toString('base64') !== b64) throw bad('the key is not standard base64');
  const [kind] = bytes;
  if (kind !== ED25519 && kind !== COSIGNATURE_V1)
    throw bad(`signature type ${kind} is not Ed25519 (1) or a cosignature (4)`);
  if (type !== undefined && kind !== type)
    throw bad(
      type === COSIGNATURE_V1 ? 'it is not a witness (cosignature) key' : 'it is not a log (Ed25519) key',
    );
  if (bytes.length !== 33) throw bad('an Ed25519 key is 32 bytes');
  const v = verifierFor(name, kind, bytes.subarray(1));
  if (v.keyId.toString('hex') !== idHex) throw bad('the key id does not match the name and key');
  return v;
}

export function checkpointBody(c: CheckpointBody): string {
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n`;
}

/** The first three lines of a checkpoint body; extension lines after them are allowed. */
export function parseCheckpointBody(body: string): CheckpointBody {
  const lines = body.split('\n');
  const [origin, sizeText, rootText] = lines;
  if (lines.length < 4 || lines.at(-1) !== '' || !origin || !sizeText || !rootText)
    throw new NoteError('a checkpoint is an origin, a size and a root hash, one per line');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw new NoteError(`the checkpoint size '${sizeText}' is not a decimal without leading zeros`);
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootText)
    throw new NoteError('the checkpoint root is not a base64 32-byte hash');
  return { origin, size: Number(sizeText), root };
}

export function signatureLine(name: string, keyId: Buffer, signature: Buffer): string {
  return `${EM_DASH} ${name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
}

/** One `— name base64` line (without its newline). */
export function parseSignatureLine(line: string): NoteSignature {
  const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
  if (!m) throw new NoteError('a signature line is "— <key name> <base64 signature>"');
  const bytes = Buffer.from(m[2] as string, 'base64');
  if (bytes.length < 5) throw new NoteError('a signature is a 4-byte key id and the signature');
  return { name: m[1] as string, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) };
}

/** Splits a signed note at its last blank line. */
export function parseNote(text: string): Note {
  if (hasControl(text, true)) throw new NoteError('a note holds no control characters but newlines');
  if (!text.endsWith('\n')) throw new NoteError('a note ends in a newline');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('a note is its text, a blank line, and its signatures');
  const body = text.slice(0, split + 1);
  const lines = text.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES)
    throw new NoteError(`a note carries at most ${MAX_SIGNATURES} signatures`);
  return { body, signatures: lines.map(parseSignatureLine) };
}

export function formatNote(note: Note): string {
  return `${note.body}\n${note.signatures.map((s) => signatureLine(s.name, s.keyId, s.signature)).join('')}`;
}

const matches = (s: NoteSignature, v: NoteVerifier) => s.name === v.name && s.keyId.equals(v.keyId);

/** A log's Ed25519 note signature over `body`, with `signer` (Ward's `Signer.sign` fits). */
export function signNote(body: string, v: NoteVerifier, signer: (data: Buffer) => Buffer): NoteSignature {
  if (v.type !== ED25519) throw new NoteError('a log signs notes with an Ed25519 (type 1) key');
  return { name: v.name, keyId: v.keyId, signature: signer(Buffer.from(body, 'utf8')) };
}

/**
 * Whether `note` carries a valid signature by `v`. Signatures from other keys are ignored; one
 * from `v` that does not verify makes the note false (a known key must verify).
 */
export function noteSignedBy(note: Note, v: NoteVerifier): boolean {
  if (v.type !== ED25519) throw new NoteError('not an Ed25519 (type 1) key');
  const mine = note.signatures.filter((s) => matches(s, v));
  const key = ed25519Key(v.key);
  return mine.length > 0 && mine.every((s) => verify(null, Buffer.from(note.body, 'utf8'), key, s.signature));
}

export function cosignatureMessage(body: string, timestamp: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${body}`, 'utf8');
}

/** A witness's cosignature over a checkpoint body at `timestamp` (POSIX seconds). */
export function cosign(
  body: string,
  v: NoteVerifier,
  privateKeyPem: string | KeyObject,
  timestamp: number,
): NoteSignature {
  if (v.type !== COSIGNATURE_V1) throw new NoteError('a witness cosigns with a type 4 key');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new NoteError('a timestamp is POSIX seconds');
  const key = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem;
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timestamp));
  const sig = sign(null, cosignatureMessage(body, timestamp), key);
  return { name: v.name, keyId: v.keyId, signature: Buffer.concat([ts, sig]) };
}

/**
 * The timestamp of `s` when it is a valid cosignature by `v` over `body`, else undefined (also
 * for a signature by another key).
 */
export function cosignatureTime(body: string, s: NoteSignature, v: NoteVerifier): number | undefined {
  if (v.type !== COSIGNATURE_V1 || !matches(s, v) || s.signature.length !== 72) return undefined;
  const ts = s.signature.readBigUInt64BE(0);
  if (ts > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  const timestamp = Number(ts);
  return verify(null, cosignatureMessage(body, timestamp), ed25519Key(v.key), s.signature.subarray(8))
    ? timestamp
    : undefined;
}

/** tlog-witness: "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_PROOF_LINES = 63;

/**
 * The body of a tlog-witness add-checkpoint request: `old <size>`, the consistency proof one
 * base64 hash a line, a blank line, and the signed checkpoint.
 */
export function addCheckpointRequest(oldSize: number, proof: readonly Buffer[], signedNote: string): string {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0) throw new NoteError(`old size ${oldSize} is not a size`);
  if (proof.length > MAX_PROOF_LINES) throw new NoteError(`a proof has at most ${MAX_PROOF_LINES} hashes`);
  if (oldSize === 0 && proof.length > 0) throw new NoteError('a proof from size 0 is empty');
  if (!proof.every((h) => h.length === 32)) throw new NoteError('every proof hash is 32 bytes');
  if (!signedNote.endsWith('\n')) throw new NoteError('a signed note ends in a newline');
  return `old ${oldSize}\n${proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${signedNote}`;
}
