/**
 * @module hipaa/baa-service
 * The Business Associate Agreement: Ward renders it for an org (template, the org's legal name
 * and address, the SHA-256 of the text); the org's owner signs that exact hash (typed name,
 * title, explicit acceptance; time and client address recorded); the operator countersigns the
 * same hash, which executes the BAA and enables HIPAA for the org. Every step, and every refusal,
 * is an audit event. Both sides can read the executed BAA and download it as a PDF.
 */
import type { AuditService } from '../audit/index.js';
import type { Baa, Db, Org } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, forbidden, invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { OrgService } from '../orgs/index.js';
import { authorize, principalOf } from '../policy/index.js';
import { CURRENT_BAA_VERSION, type RenderedBaa, renderBaa } from './baa-template.js';
import type { BusinessAssociateService } from './business-associate.js';
import type {
  BaaDocumentView,
  BaaView,
  CountersignBaaBody,
  PendingBaaView,
  SignBaaBody,
} from './hipaa.schemas.js';
import * as store from './hipaa.store.js';
import { requireHipaaPlan } from './plans.js';

export const baaView = (b: Baa): BaaView => ({
  id: b.id,
  org_id: b.org_id,
  status: b.status,
  template_version: b.template_version,
  document_sha256: b.document_sha256,
  document: b.document,
  signed: {
    name: b.signer_name,
    title: b.signer_title,
    email: b.signer_email,
    at: b.signed_at.toISOString(),
    ip: b.signed_ip,
  },
  countersigned: b.countersigned_at
    ? {
        name: b.countersigner_name ?? '',
        title: b.countersigner_title ?? '',
        email: b.countersigner_email ?? '',
        at: b.countersigned_at.toISOString(),
        ip: b.countersigned_ip,
      }
    : null,
});

/** A BAA without its text, for listings. */
export function baaSummary(b: Baa): Omit<BaaView, 'document'> {
  const { document: _text, ...rest } = baaView(b);
  return rest;
}

const short = (hash: string) => `${hash.slice(0, 12)}…`;

export function createBaaService(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  /** Read on every render, so the operator's change applies to the next BAA without a restart. */
  businessAssociate: Pick<BusinessAssociateService, 'current'>;
}) {
  const { db, audit, orgs, businessAssociate } = deps;

  /** The BAA as it reads for `org` today. */
  async function render(org: Org): Promise<RenderedBaa> {
    const associate = await businessAssociate.current();
    if (!associate)
      throw conflict(
        "the operator has not named the business associate (the organization that runs this Ward) yet, so Ward cannot render a BAA; the operator sets it with `ward operator business-associate set --legal-name … --address …`, PUT /api/v1/operator/business-associate, or the console's Organizations page",
      );
    const legal = typeof org.settings.legal_name === 'string' ? org.settings.legal_name : '';
    const address = typeof org.settings.address === 'string' ? org.settings.address : '';
    const missing = [legal ? null : 'legal name', address ? null : 'address'].filter(Boolean);
    if (missing.length > 0)
      throw invalid(
        `the BAA names the organization by its legal name and address, and '${org.name}' has no ${missing.join(' and no ')} yet; an owner or admin sets them first (ward org set ${org.name} --legal-name … --address …)`,
      );
    return renderBaa(CURRENT_BAA_VERSION, {
      org_id: org.id,
      covered_entity_legal_name: legal,
      covered_entity_address: address,
      business_associate_legal_name: associate.legal_name,
      business_associate_address: associate.address,
    });
  }

  const target = (org: Org) => ({ type: 'org' as const, id: org.id, name: org.name });

  /** Renders the BAA for the org's owner to read and sign (owner or admin). */
  async function request(ctx: RequestContext, ref: string): Promise<BaaDocumentView> {
    const a = await orgs.access(ctx, ref);
    return audit.mutate(
      ctx,
      {
        action: 'baa.request',
        chain: a.org.id,
        target: target(a.org),
        details: { template_version: CURRENT_BAA_VERSION, document_sha256: '' },
      },
      async (_tx, draft) => {
        authorize(ctx, a, 'baa.request');
        requireHipaaPlan(a.org);
        const doc = await render(a.org);
        draft.details.document_sha256 = doc.sha256;
        return {
          org_id: a.org.id,
          template_version: doc.template_version,
          document: doc.text,
          document_sha256: doc.sha256,
        };
      },
    );
  }

  async function sign(ctx: RequestContext, ref: string, body: SignBaaBody): Promise<BaaView> {
    const a = await orgs.access(ctx, ref);
    const me = principalOf(ctx);
    const id = newId('baa');
    return audit.mutate(
      ctx,
      {
        action: 'baa.sign',
        chain: a.org.id,
        target: target(a.org),
        details: {
          baa_id: id,
          template_version: CURRENT_BAA_VERSION,
          document_sha256: body.document_sha256,
          signer_name: body.name,
          signer_title: body.title,
        },
      },
      async (tx) => {
        authorize(ctx, a, 'baa.sign');
        if (body.accept !== true)
          throw invalid(
            'signing the BAA needs your explicit acceptance: send "accept": true (ward org hipaa enable … --accept) once you have read it',
          );
        const org = (await orgs.lock(tx, a.org.id)) ?? a.org;
        requireHipaaPlan(org);
        const doc = await render(org);
        if (body.document_sha256 !== doc.sha256)
          throw conflict(
            `the document you signed (SHA-256 ${short(body.document_sha256)}) is not the BAA as it reads for '${org.name}' now (SHA-256 ${short(doc.sha256)}, template ${doc.template_version}); ask for it again, read it, and sign that hash`,
          );
        const executed = await store.baaWithStatus(tx, org.id, 'executed');
        if (executed?.document_sha256 === doc.sha256)
          throw conflict(
            `'${org.name}' already has this BAA executed (signed by ${executed.signer_name} on ${executed.signed_at.toISOString()}, countersigned on ${executed.countersigned_at?.toISOString()})`,
          );
        const pending = await store.baaWithStatus(tx, org.id, 'signed');
        if (pending?.document_sha256 === doc.sha256)
          throw conflict(
            `${pending.signer_name} already signed this BAA on ${pending.signed_at.toISOString()}; it waits for the operator's countersignature`,
          );
        if (pending) await store.supersede(tx, pending.id);
        const row = await store.insertBaa(tx, {
          id,
          org_id: org.id,
          template_version: doc.template_version,
          document: doc.text,
          document_sha256: doc.sha256,
          status: 'signed',
          signer_user_id: me.id,
          signer_email: me.email,
          signer_name: body.name,
          signer_title: body.title,
          signed_at: new Date(),
          signed_ip: ctx.ip,
        });
        return baaView(row);
      },
    );
  }

  /** The operator countersigns: the BAA is executed and HIPAA is enabled for the org. */
  async function countersign(ctx: RequestContext, ref: string, body: CountersignBaaBody): Promise<BaaView> {
    const a = await orgs.access(ctx, ref);
    const me = principalOf(ctx);
    return audit.mutate(
      ctx,
      {
        action: 'baa.countersign',
        chain: a.org.id,
        target: target(a.org),
        details: {
          baa_id: '',
          document_sha256: body.document_sha256,
          countersigner_name: body.name,
          countersigner_title: body.title,
        },
      },
      async (tx, draft) => {
        authorize(ctx, a, 'baa.countersign');
        const org = (await orgs.lock(tx, a.org.id)) ?? a.org;
        requireHipaaPlan(org, 'countersigning the BAA');
        const pending = await store.baaWithStatus(tx, org.id, 'signed');
        if (!pending) {
          const executed = await store.baaWithStatus(tx, org.id, 'executed');
          if (executed)
            throw conflict(
              `the BAA of '${org.name}' is already countersigned (by ${executed.countersigner_name} on ${executed.countersigned_at?.toISOString()}); there is nothing to countersign`,
            );
          throw conflict(`'${org.name}' has no signed BAA to countersign: its owner signs first`);
        }
        draft.details.baa_id = pending.id;
        if (pending.document_sha256 !== body.document_sha256)
          throw conflict(
            `the BAA '${org.name}' signed has SHA-256 ${short(pending.document_sha256)}, not ${short(body.document_sha256)}; read the signed document (GET /orgs/${org.name}/baa) and countersign its hash`,
          );
        const previous = await store.baaWithStatus(tx, org.id, 'executed');
        if (previous) await store.supersede(tx, previous.id);
        const row = await store.execute(tx, pending.id, {
          user_id: me.id,
          email: me.email,
          name: body.name,
          title: body.title,
          ip: ctx.ip,
        });
        if (!org.hipaa_enabled) {
          await store.setHipaaEnabled(tx, org.id, true);
          draft.also.push({
            action: 'hipaa.enable',
            chain: org.id,
            target: target(org),
            details: { baa_id: row.id },
          });
        }
        return baaView(row);
      },
    );
  }

  /** The BAA waiting for countersignature, or the one in force (owner, admin, auditor, operator). */
  async function get(ctx: RequestContext, ref: string): Promise<BaaView> {
    const a = await orgs.access(ctx, ref);
    authorize(ctx, a, 'hipaa.read');
    const b = await store.currentBaa(db, a.org.id);
    if (!b)
      throw notFound(`'${a.org.name}' has no signed BAA yet; an owner starts with ward org hipaa enable`);
    return baaView(b);
  }

  /** The executed BAA, for the PDF. */
  async function executed(ctx: RequestContext, ref: string): Promise<{ org: Org; baa: Baa }> {
    const a = await orgs.access(ctx, ref);
    authorize(ctx, a, 'hipaa.read');
    const b = await store.baaWithStatus(db, a.org.id, 'executed');
    if (!b) {
      const pending = await store.baaWithStatus(db, a.org.id, 'signed');
      throw pending
        ? conflict(
            `the BAA of '${a.org.name}' is signed but not countersigned yet; the PDF is available once the operator countersigns`,
          )
        : notFound(`'${a.org.name}' has no executed BAA`);
    }
    return { org: a.org, baa: b };
  }

  async function pending(ctx: RequestContext): Promise<PendingBaaView[]> {
    if (!principalOf(ctx).operator)
      throw forbidden('only the operator can list BAAs waiting for countersignature');
    return (await store.pendingBaas(db)).map(({ org_name, ...b }) => ({ ...baaSummary(b), org_name }));
  }

  /** The org's executed BAA, if it has one, read for Ward itself (the compliance report). */
  const executedOf = (orgId: string): Promise<Baa | undefined> => store.baaWithStatus(db, orgId, 'executed');

  return { render, request, sign, countersign, get, executed, executedOf, pending };
}

export type BaaService = ReturnType<typeof createBaaService>;
