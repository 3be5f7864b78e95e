/**
 * @module compliance/report/service
 * Issuing and reading signed compliance reports. Issuing checks the org's controls now, gathers
 * the history, every attestation and decision, the executed BAA, the latest signed checkpoint of
 * the org's audit chain (and the subprocessors, where this Ward lists them), signs the canonical
 * JSON with Ward's key and keeps it, recording `compliance.report` in the same transaction; its
 * PDF and its JSON are then read by id, so both carry one report. Whoever may read the org's
 * compliance posture may issue and read reports (owners, admins, auditors, the operator).
 */
import type { AuditService } from '../../audit/index.js';
import type { ComplianceReport, Db } from '../../db/index.js';
import type { RequestContext } from '../../lib/context.js';
import { notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Signer } from '../../lib/signing.js';
import type { OrgService } from '../../orgs/index.js';
import { authorize } from '../../policy/index.js';
import type { Posture } from '../compliance.service.js';
import * as compliance from '../compliance.store.js';
import { historyFrom } from '../days.js';
import {
  type ReportBaa,
  type ReportCheckpoint,
  type ReportSubprocessor,
  reportDocument,
  signReport,
} from './report.js';
import type { ReportSummary, SignedReportView } from './report.schemas.js';
import * as store from './report.store.js';
import { reportPdf } from './report-pdf.js';

/** What a report quotes from outside the compliance center; the composition root provides it. */
export interface ReportSources {
  /** Who issues the report: the business associate's legal name, read at each report. */
  issuer(): string;
  wardVersion: string;
  /** The org's executed BAA, or null when it has none. */
  baa(orgId: string): Promise<ReportBaa | null>;
  /** The latest signed checkpoint of `chain` (Ward signs its head first when it can), or null. */
  checkpoint(chain: string): Promise<ReportCheckpoint | null>;
  /**
   * The operator's subprocessors in effect at `at` (the report lists them); leave it out while
   * this Ward keeps no such list, and the report says so (`subprocessors: null`).
   */
  subprocessors?(at: Date): Promise<ReportSubprocessor[]>;
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : d);

const summary = (r: Omit<ComplianceReport, 'org_id' | 'document' | 'signature'>): ReportSummary => ({
  id: r.id,
  issued_at: iso(r.issued_at),
  required_score: r.required_score,
  addressable_score: r.addressable_score,
  required_met: r.required_met,
  sha256: r.sha256,
  key_id: r.key_id,
});

export function createReportService(deps: {
  db: Db;
  audit: AuditService;
  orgs: OrgService;
  signer: Signer;
  /** The compliance service's evaluation: every control decided now. */
  evaluate(orgId: string, now?: Date): Promise<Posture>;
  sources: ReportSources;
}) {
  const { db, audit, orgs, signer, sources } = deps;

  async function readable(ctx: RequestContext, orgRef: string) {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'compliance.read');
    return a;
  }

  async function find(ctx: RequestContext, orgRef: string, id: string) {
    const a = await readable(ctx, orgRef);
    const r = await store.findReport(db, a.org.id, id);
    if (!r) throw notFound(`'${a.org.name}' has no compliance report '${id}'`);
    return { org: a.org, report: r };
  }

  /** Checks the org now and issues a signed report of what it found. */
  async function issue(ctx: RequestContext, orgRef: string): Promise<ReportSummary> {
    const a = await readable(ctx, orgRef);
    const now = new Date();
    const posture = await deps.evaluate(a.org.id, now);
    const [history, attestations, decisions, baa, checkpoint, subprocessors] = await Promise.all([
      compliance.history(db, a.org.id, historyFrom(now)),
      compliance.attestationsOf(db, a.org.id),
      compliance.decisionsOf(db, a.org.id),
      sources.baa(a.org.id),
      sources.checkpoint(a.org.id),
      sources.subprocessors ? sources.subprocessors(now) : null,
    ]);
    const id = newId('rpt');
    const doc = reportDocument(
      {
        id,
        issuedAt: now,
        issuer: { name: sources.issuer(), ward_version: sources.wardVersion },
        posture,
        history,
        attestations: attestations.map((t) => ({ ...t, attested_at: iso(t.attested_at) })),
        decisions: decisions.map((d) => ({
          ...d,
          decided_at: iso(d.decided_at),
          expires_at: iso(d.expires_at),
        })),
        baa,
        checkpoint,
        subprocessors:
          subprocessors?.map((p) => ({
            name: p.name,
            purpose: p.purpose,
            location: p.location,
            phi: p.phi,
            ...(p.effective_at ? { effective_at: p.effective_at } : {}),
          })) ?? null,
      },
      signer.keyId,
    );
    const signed = signReport(doc, signer);
    const row: ComplianceReport = {
      id,
      org_id: a.org.id,
      ...signed,
      ...doc.scores,
      issued_at: now,
    };
    await audit.mutate(
      ctx,
      {
        action: 'compliance.report',
        chain: a.org.id,
        target: { type: 'compliance_report', id, name: a.org.name },
        details: {
          report_id: id,
          required_score: doc.scores.required_score,
          addressable_score: doc.scores.addressable_score,
          sha256: signed.sha256,
        },
      },
      (tx) => store.insertReport(tx, row),
    );
    return summary(row);
  }

  async function file(ctx: RequestContext, orgRef: string, id: string): Promise<SignedReportView> {
    const { report: r } = await find(ctx, orgRef, id);
    return {
      id: r.id,
      document: r.document,
      signature: r.signature.toString('base64'),
      public_key: signer.publicKeyPem,
      key_id: r.key_id,
    };
  }

  async function pdf(ctx: RequestContext, orgRef: string, id: string) {
    const { org, report: r } = await find(ctx, orgRef, id);
    return {
      id: r.id,
      fileName: `hipaa-report-${org.name}-${r.id}.pdf`,
      pdf: await reportPdf(r, signer.publicKeyPem),
    };
  }

  return {
    issue,
    file,
    pdf,
    async list(ctx: RequestContext, orgRef: string): Promise<ReportSummary[]> {
      const a = await readable(ctx, orgRef);
      return (await store.reportsOf(db, a.org.id)).map(summary);
    },
    /** Issues a report and answers with its signed JSON (GET …/compliance/report.json). */
    async issueFile(ctx: RequestContext, orgRef: string): Promise<SignedReportView> {
      return file(ctx, orgRef, (await issue(ctx, orgRef)).id);
    },
    /** Issues a report and answers with its PDF (GET …/compliance/report.pdf). */
    async issuePdf(ctx: RequestContext, orgRef: string) {
      return pdf(ctx, orgRef, (await issue(ctx, orgRef)).id);
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
