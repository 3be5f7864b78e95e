/**
 * @module certificates/service
 * Reading certificates of destruction: an org's list, one certificate with its signature and
 * Ward's public key, and its PDF. They outlive the projects they describe, so they are found
 * through the org (by certificate id or the destroyed project's id). Owners, admins, auditors
 * and the operator may read them.
 */
import type { Db, DestructionCertificate, Tx } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { notFound } from '../lib/errors.js';
import type { Signer } from '../lib/signing.js';
import type { OrgService } from '../orgs/index.js';
import { authorize } from '../policy/index.js';
import { certificatePdf } from './certificate-pdf.js';
import type { CertificateSummary, CertificateView } from './certificates.schemas.js';
import * as store from './certificates.store.js';

const summary = (c: DestructionCertificate): CertificateSummary => {
  const doc = JSON.parse(c.document) as { project: { name: string } };
  return {
    id: c.id,
    project_id: c.project_id,
    project_name: doc.project.name,
    issued_at: c.issued_at.toISOString(),
    key_id: c.key_id,
  };
};

export function createCertificateService(deps: { db: Db; orgs: OrgService; signer: Signer }) {
  const { db, orgs, signer } = deps;

  async function find(ctx: RequestContext, orgRef: string, ref: string) {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'hipaa.read');
    const c = await store.findCertificate(db, a.org.id, ref);
    if (!c) throw notFound(`'${a.org.name}' has no certificate of destruction '${ref}'`);
    return c;
  }

  return {
    /** Files a certificate just issued, in the transaction that records what it certifies. */
    record: (tx: Tx, c: DestructionCertificate) => store.insertCertificate(tx, c),
    async list(ctx: RequestContext, orgRef: string): Promise<CertificateSummary[]> {
      const a = await orgs.access(ctx, orgRef);
      authorize(ctx, a, 'hipaa.read');
      return (await store.certificatesOf(db, a.org.id)).map(summary);
    },
    async get(ctx: RequestContext, orgRef: string, ref: string): Promise<CertificateView> {
      const c = await find(ctx, orgRef, ref);
      return {
        ...summary(c),
        certificate: JSON.parse(c.document),
        document: c.document,
        signature: c.signature.toString('base64'),
        public_key: signer.publicKeyPem,
      };
    },
    async pdf(ctx: RequestContext, orgRef: string, ref: string): Promise<{ id: string; pdf: Buffer }> {
      const c = await find(ctx, orgRef, ref);
      return { id: c.id, pdf: await certificatePdf(c, signer.publicKeyPem) };
    },
  };
}

export type CertificateService = ReturnType<typeof createCertificateService>;
