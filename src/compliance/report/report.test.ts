/**
 * The report document and its PDF without a Ward: facts in, a signed canonical document out that
 * the offline check accepts, decisions marked in force or expired, the optional subprocessor list
 * carried when given and `null` when not, and a PDF showing every safeguard, the cut evidence and
 * the subprocessors; text the standard fonts cannot print is spelled out.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pdfText } from '../../../test/support/pdf-text.js';
import type { Org } from '../../db/index.js';
import { checkSignedReport } from '../../evidence/index.js';
import { keyIdOfPublicKey, type Signer } from '../../lib/signing.js';
import { CATALOG, SAFEGUARD_TITLES } from '../catalog.js';
import type { ControlView } from '../compliance.schemas.js';
import { type ReportFacts, reportDocument, signReport } from './report.js';
import { reportPdf } from './report-pdf.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const signer: Signer = {
  keyId: keyIdOfPublicKey(publicKeyPem),
  publicKeyPem,
  sign: (data) => sign(null, Buffer.from(data), privateKey),
  deriveKey: () => Buffer.alloc(32),
};

const at = new Date('2026-12-07T10:00:00Z');
const org = {
  id: 'org_aaaaaaaaaaaaaaaa',
  name: 'acme',
  plan: 'enterprise',
  hipaa_enabled: true,
  settings: { legal_name: 'Acme Health, Inc.' },
  created_at: at,
  updated_at: at,
} as Org;

const controls = CATALOG.map(
  (c): ControlView => ({
    ...c,
    threshold: c.check === 'attestation' ? null : 'idle timeout ≤ 15 minutes',
    applies_when: c.applies_when ?? null,
    state: c.kind === 'required' ? 'passing' : 'failing',
    previous_state: null,
    since: at.toISOString(),
    message: 'holds → fine',
    evidence: c.id === 'automatic-logoff' ? { sessions: 'x'.repeat(3000) } : {},
    attestation: null,
    decision: null,
  }),
);

function facts(over: Partial<ReportFacts> = {}): ReportFacts {
  return {
    id: 'rpt_aaaaaaaaaaaaaaaa',
    issuedAt: at,
    issuer: { name: 'Ward Hosting LLC', ward_version: '0.1.0' },
    posture: {
      org,
      checkedAt: at,
      controls,
      scores: { required_score: 100, addressable_score: 0, required_met: true },
    },
    history: [{ day: '2026-12-07', required_score: 100, addressable_score: 0, required_met: true }],
    attestations: [],
    decisions: [
      {
        id: 'dec_a',
        control_id: 'malware-protection',
        decision: 'alternative',
        rationale: 'old measure',
        decided_by: 'o@acme.test',
        decided_at: '2025-11-01T00:00:00.000Z',
        expires_at: '2026-11-01T00:00:00.000Z',
      },
    ],
    baa: null,
    checkpoint: null,
    subprocessors: null,
    ...over,
  };
}

describe('the report document', () => {
  it('is signed canonical JSON the offline check accepts, with decisions marked in force or not', () => {
    const doc = reportDocument(facts(), signer.keyId);
    expect(doc.decisions[0]).toMatchObject({ citation: '164.308(a)(5)(ii)(B)', in_force: false });
    expect(doc.subprocessors).toBeNull();
    const signed = signReport(doc, signer);
    const file = {
      id: doc.id,
      document: signed.document,
      signature: signed.signature.toString('base64'),
      public_key: publicKeyPem,
      key_id: signer.keyId,
    };
    expect(checkSignedReport(file, publicKeyPem)).toMatchObject({ ok: true, checkpoint: 'none' });
  });

  it('carries the subprocessor list when this Ward gives one, and the PDF shows it', async () => {
    const subprocessors = [
      { name: 'Backblaze', purpose: 'backup storage', location: 'US', phi: true, effective_at: '2026-10-01' },
    ];
    const doc = reportDocument(facts({ subprocessors }), signer.keyId);
    expect(doc.subprocessors).toEqual(subprocessors);
    const text = pdfText(await reportPdf(signReport(doc, signer), publicKeyPem)).replace(/\s+/g, ' ');
    expect(text).toContain('Backblaze');
    expect(text).toContain('backup storage; US; may touch PHI; since 2026-10-01');
    for (const title of Object.values(SAFEGUARD_TITLES)) expect(text).toContain(title);
    expect(text).toContain('idle timeout <= 15 minutes');
    expect(text).toContain('holds -> fine');
    expect(text).toContain('(the signed JSON holds all of it)');
    expect(text).toContain('old measure');
    expect(text).toContain('No executed BAA.');
  });
});
