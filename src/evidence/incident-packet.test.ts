/**
 * The offline check of an incident's evidence packet, with keys and a chain made here: a packet
 * holds with its key pinned and counts its proofs; a changed document, another pinned key, a
 * proof whose event was altered, a proof of another chain and a proof listed under another id
 * each fail with their own reason.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyIdOfPublicKey, type Signer } from '../lib/signing.js';
import { canonicalize } from './canonical.js';
import { GENESIS_HASH, linkHash } from './chain.js';
import { signCheckpoint } from './checkpoints.js';
import { checkIncidentPacket, PACKET_TYPE } from './incident-packet.js';
import { inclusionProof, leafHash, treeRoot } from './merkle.js';

function signer(): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    keyId: keyIdOfPublicKey(publicKeyPem),
    publicKeyPem,
    sign: (data) => sign(null, Buffer.from(data), privateKey),
    deriveKey: () => Buffer.alloc(32),
  };
}
const ward = signer();

/** A chain of three events and the inclusion proof of event `n` (1-based). */
function proofOf(s: Signer, chain: string, n: number) {
  const bodies = [1, 2, 3].map((seq) =>
    canonicalize({
      chain,
      seq,
      id: `evt_${'a'.repeat(15)}${seq}`,
      action: 'org.create',
      time: '2026-12-01T00:00:00.000Z',
    }),
  );
  const hashes: Buffer[] = [];
  let prev: Buffer = GENESIS_HASH;
  for (const b of bodies) {
    prev = linkHash(prev, b);
    hashes.push(prev);
  }
  const leaves = hashes.map(leafHash);
  const checkpoint = signCheckpoint(s, {
    chain,
    tree_size: 3,
    root_hash: treeRoot(leaves).toString('hex'),
    last_hash: (hashes[2] as Buffer).toString('hex'),
    time: '2026-12-01T00:00:01.000Z',
  });
  return {
    format: 'ward-audit-inclusion-proof/v1' as const,
    event: {
      body: bodies[n - 1] as string,
      prev_hash: (n === 1 ? GENESIS_HASH : (hashes[n - 2] as Buffer)).toString('hex'),
      hash: (hashes[n - 1] as Buffer).toString('hex'),
    },
    leaf_index: n - 1,
    tree_size: 3,
    audit_path: inclusionProof(leaves, n - 1).map((p) => p.toString('hex')),
    checkpoint,
    public_key: s.publicKeyPem,
  };
}

function packet(
  s: Signer,
  events: { id: string; proof: ReturnType<typeof proofOf> }[],
  raw?: (d: string) => string,
) {
  const body = {
    type: PACKET_TYPE,
    version: 1,
    id: 'pkt_aaaaaaaaaaaaaaaa',
    issued_at: '2026-12-07T10:00:00.000Z',
    issuer: { ward_version: '0.1.0', signing_key_id: s.keyId },
    organization: { id: 'org_a', name: 'acme', legal_name: null },
    incident: {
      id: 'inc_aaaaaaaaaaaaaaaa',
      title: 'Lost laptop',
      determination: { determination: 'breach' },
      discovery: { discovered_on: '2026-11-20' },
      notices: [],
    },
    law_enforcement_documents: [],
    audit_events: events,
  };
  const document = raw ? raw(canonicalize(body)) : canonicalize(body);
  return {
    id: body.id,
    document,
    signature: s.sign(document).toString('base64'),
    public_key: s.publicKeyPem,
    key_id: s.keyId,
  };
}

const evt2 = `evt_${'a'.repeat(15)}2`;

describe('checkIncidentPacket', () => {
  it('holds with the key pinned, and checks every proof', () => {
    expect(
      checkIncidentPacket(packet(ward, [{ id: evt2, proof: proofOf(ward, 'org_a', 2) }]), ward.publicKeyPem),
    ).toMatchObject({
      ok: true,
      pinned: true,
      proofs: 1,
    });
  });
  it('fails on a changed document and on another pinned key', () => {
    const p = packet(ward, []);
    expect(
      checkIncidentPacket({ ...p, document: p.document.replace('Lost', 'Lose') }, ward.publicKeyPem),
    ).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/changed after Ward signed it/),
    });
    expect(checkIncidentPacket(p, signer().publicKeyPem)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not signed by the key you gave/),
    });
  });
  it('fails when a proof does not hold, is of another chain, or is listed under another id', () => {
    const altered = proofOf(ward, 'org_a', 2);
    altered.event.body = altered.event.body.replace('org.create', 'org.update');
    expect(checkIncidentPacket(packet(ward, [{ id: evt2, proof: altered }]))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/inclusion proof of audit event .* does not hold/),
    });
    expect(checkIncidentPacket(packet(ward, [{ id: evt2, proof: proofOf(ward, 'org_b', 2) }]))).toMatchObject(
      {
        ok: false,
        problem: expect.stringMatching(/of chain org_b/),
      },
    );
    expect(
      checkIncidentPacket(packet(ward, [{ id: 'evt_bbbbbbbbbbbbbbbb', proof: proofOf(ward, 'org_a', 2) }])),
    ).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/is of event/),
    });
  });
  it('says what a file that is not a packet is', () => {
    expect(checkIncidentPacket({ hello: 1 })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not a signed Ward incident packet/),
    });
  });
});
