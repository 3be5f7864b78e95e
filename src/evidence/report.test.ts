/**
 * The offline check of a signed compliance report, with keys made here: a report holds with the
 * key inside it and with that key pinned; a changed document, another pinned key, a swapped
 * embedded key, a non-canonical document, another type and a bad quoted checkpoint each fail with
 * their own reason.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyIdOfPublicKey, type Signer } from '../lib/signing.js';
import { canonicalize } from './canonical.js';
import { signCheckpoint } from './checkpoints.js';
import { checkSignedReport, REPORT_TYPE } from './report.js';

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

function report(s: Signer, over: Record<string, unknown> = {}, raw?: (doc: string) => string) {
  const checkpoint = signCheckpoint(s, {
    chain: 'org_a',
    tree_size: 3,
    root_hash: 'aa'.repeat(32),
    last_hash: 'bb'.repeat(32),
    time: '2026-12-07T10:00:00.000Z',
  });
  const body = {
    type: REPORT_TYPE,
    version: 1,
    id: 'rpt_aaaaaaaaaaaaaaaa',
    issued_at: '2026-12-07T10:00:01.000Z',
    issuer: { name: 'Ward Hosting LLC', ward_version: '0.1.0', signing_key_id: s.keyId },
    organization: { id: 'org_a', name: 'acme', legal_name: null },
    scores: { required_score: 100, addressable_score: 92, required_met: true },
    audit_checkpoint: { ...checkpoint, signed_note: 'note' },
    ...over,
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

describe('checkSignedReport', () => {
  it('holds with the key inside the file, and with that key pinned', () => {
    expect(checkSignedReport(report(ward))).toMatchObject({ ok: true, pinned: false, checkpoint: 'valid' });
    expect(checkSignedReport(report(ward), ward.publicKeyPem)).toMatchObject({
      ok: true,
      pinned: true,
      keyId: ward.keyId,
      report: { scores: { required_score: 100 } },
    });
  });

  it('fails on a changed document', () => {
    const f = report(ward);
    const changed = {
      ...f,
      document: f.document.replace('"addressable_score":92', '"addressable_score":93'),
    };
    expect(checkSignedReport(changed, ward.publicKeyPem)).toEqual({
      ok: false,
      problem: `the signature does not verify with key ${ward.keyId}: the report was changed after Ward signed it`,
    });
  });

  it('fails against another pinned key, and when the embedded key was swapped', () => {
    const other = signer();
    expect(checkSignedReport(report(ward), other.publicKeyPem)).toMatchObject({
      ok: false,
      problem: expect.stringContaining(`not signed by the key you gave (key id ${other.keyId})`),
    });
    const forged = report(other);
    expect(
      checkSignedReport({ ...report(ward), public_key: other.publicKeyPem }, ward.publicKeyPem),
    ).toMatchObject({
      ok: false,
      problem: expect.stringContaining('the file names key'),
    });
    expect(checkSignedReport(forged, ward.publicKeyPem)).toMatchObject({ ok: false });
  });

  it('refuses what is not a canonical Ward compliance report', () => {
    expect(checkSignedReport({ document: '{}' })).toMatchObject({ ok: false });
    expect(checkSignedReport(report(ward, {}, (d) => ` ${d}`))).toMatchObject({
      ok: false,
      problem: expect.stringContaining('not a Ward compliance report'),
    });
    expect(checkSignedReport(report(ward, { type: 'ward.certificate-of-destruction' }))).toMatchObject({
      ok: false,
      problem: expect.stringContaining('not a Ward compliance report'),
    });
  });

  it('checks the quoted audit checkpoint with the same key', () => {
    const f = report(ward);
    const bad = report(ward, {
      audit_checkpoint: { ...JSON.parse(f.document).audit_checkpoint, tree_size: 4 },
    });
    expect(checkSignedReport(bad, ward.publicKeyPem)).toMatchObject({
      ok: false,
      problem: 'the audit checkpoint the report quotes (chain org_a) does not verify',
    });
    expect(checkSignedReport(report(ward, { audit_checkpoint: null }))).toMatchObject({
      ok: true,
      checkpoint: 'none',
    });
  });
});
