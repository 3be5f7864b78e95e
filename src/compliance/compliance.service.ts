/**
 * @module compliance/service
 * An org's HIPAA posture, live: every control of the catalog decided (compliance/posture.ts) from
 * Ward's live checks, the owners' attestations and their decisions on addressable specifications;
 * each control's state remembered with since when, its changes audited
 * (`compliance.control.change`) and, for required controls, sent to the org's alert webhook; one
 * snapshot per day for the history. Attesting uploads a document (sealed under the org's key, its
 * SHA-256 recorded); deciding records a 164.306(d)(3) decision that expires after 12 months.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { AuditService, EventSpec } from '../audit/index.js';
import { type ControlState, type Db, inTransaction, type Org } from '../db/index.js';
import type { BaaStanding } from '../hipaa/index.js';
import type { KeyService } from '../keys/index.js';
import { type RequestContext, SYSTEM } from '../lib/context.js';
import { invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { OrgService } from '../orgs/index.js';
import { authorize, principalOf } from '../policy/index.js';
import { CATALOG, type Control, findControl } from './catalog.js';
import {
  CHECKS,
  type CheckEnv,
  type CheckResult,
  type PlatformFacts,
  type RegionStorage,
} from './checks/index.js';
import type { AttestBody, ComplianceView, ControlView, DecideBody } from './compliance.schemas.js';
import * as store from './compliance.store.js';
import { dayOf, historyFrom } from './days.js';
import { DECISION_MONTHS, judge, refuseDecision, scores } from './posture.js';

const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
const MAX_REVIEW_YEARS = 3;
const documentAad = (orgId: string, id: string) => `ward-attestation:${orgId}:${id}`;
const met = (s: ControlState | undefined) => s !== undefined && s !== 'failing';

export interface ComplianceDeps {
  db: Db;
  audit: AuditService;
  keys: KeyService;
  orgs: OrgService;
  platform: PlatformFacts;
  /** Every region with its storage encryption judged now (the checks pick the org's). */
  regions(): Promise<RegionStorage[]>;
  /** The org's BAA as the hipaa module judges it, for the `baa` check. */
  baaStanding?(org: Org): Promise<BaaStanding>;
  /** Sends an alert to the org's webhook (after the change commits). */
  alert(orgId: string, alert: string, payload: Record<string, unknown>): void;
  log: Logger;
}

/** One evaluation of an org: each control decided now, with what its check looked at. */
export interface Posture {
  org: Org;
  checkedAt: Date;
  controls: ControlView[];
  scores: ReturnType<typeof scores>;
}

export function createComplianceService(deps: ComplianceDeps) {
  const { db, audit, keys, orgs, log } = deps;

  async function runChecks(env: CheckEnv): Promise<Map<string, CheckResult & { threshold: string }>> {
    const ids = [...new Set(CATALOG.map((c) => c.check))].filter((id) => id !== 'attestation');
    const results = await Promise.all(
      ids.map(async (id) => {
        const check = CHECKS.get(id as never);
        // test/compliance-catalog.test.ts keeps every named check present; fail closed regardless.
        if (!check)
          return [
            id,
            { outcome: 'fail', message: `Ward has no check '${id}'`, evidence: {}, threshold: '' },
          ] as const;
        const result = await check.run(env).catch((err: Error): CheckResult => {
          log.error({ err, check: id, org: env.org.id }, 'a compliance check failed to run');
          return {
            outcome: 'fail',
            message: `Ward could not run this check (${err.message}); it counts as failing until it can`,
            evidence: {},
          };
        });
        return [id, { ...result, threshold: check.threshold }] as const;
      }),
    );
    return new Map(results);
  }

  /** Decides every control of `org` now, remembers the states (auditing changes) and today's snapshot. */
  async function evaluate(orgId: string, now = new Date()): Promise<Posture> {
    const org = await orgs.byId(orgId);
    if (!org) throw notFound(`no organization '${orgId}'`);
    const { baaStanding } = deps;
    const env: CheckEnv = {
      db,
      org,
      now,
      platform: deps.platform,
      regions: deps.regions,
      baaStanding: baaStanding && (() => baaStanding(org)),
    };
    const [results, attestations, decisions] = await Promise.all([
      runChecks(env),
      store.currentAttestations(db, org.id),
      store.currentDecisions(db, org.id),
    ]);
    const judged = CATALOG.map((control) => {
      const check = results.get(control.check);
      const decision = decisions.get(control.id);
      const attestation = attestations.get(control.id);
      return {
        control,
        check,
        attestation,
        decision,
        ...judge(control, { check, attestation, decision, now }),
      };
    });
    const score = scores(judged.map((j) => ({ kind: j.control.kind, state: j.state })));
    const changes: { control: Control; from: ControlState; to: ControlState; message: string }[] = [];
    const stored = await inTransaction(db, async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`ward-compliance:${org.id}`}))`.execute(tx);
      const before = await store.statesOf(tx, org.id, true);
      const rows = judged.map((j) => {
        const prior = before.get(j.control.id);
        if (prior && prior.state !== j.state)
          changes.push({ control: j.control, from: prior.state, to: j.state, message: j.message });
        const changed = !prior || prior.state !== j.state;
        return {
          control_id: j.control.id,
          state: j.state,
          previous_state: changed ? (prior?.state ?? null) : prior.previous_state,
          since: changed ? now : prior.since,
          message: j.message,
        };
      });
      await store.saveStates(tx, org.id, rows, now);
      await store.saveSnapshot(tx, {
        org_id: org.id,
        day: dayOf(now),
        ...score,
        states: Object.fromEntries(judged.map((j) => [j.control.id, j.state])),
        taken_at: now,
      });
      if (changes.length > 0)
        await audit.recordIn(
          tx,
          SYSTEM,
          changes.map(
            (c): EventSpec<'compliance.control.change'> => ({
              action: 'compliance.control.change',
              chain: org.id,
              outcome: c.to === 'failing' ? 'failure' : 'success',
              target: { type: 'compliance_control', id: c.control.id, name: c.control.citation },
              details: {
                control_id: c.control.id,
                citation: c.control.citation,
                kind: c.control.kind,
                from: c.from,
                to: c.to,
                message: c.message.slice(0, 1000),
              },
            }),
          ),
        );
      return new Map(rows.map((r) => [r.control_id, r]));
    });
    for (const c of changes) {
      if (c.control.kind !== 'required' || met(c.from) === met(c.to)) continue;
      deps.alert(org.id, met(c.to) ? 'compliance.control.recovered' : 'compliance.control.failing', {
        control: c.control.id,
        citation: c.control.citation,
        title: c.control.title,
        state: c.to,
        message: c.message,
      });
    }
    const controls = judged.map(
      (j): ControlView => ({
        id: j.control.id,
        citation: j.control.citation,
        safeguard: j.control.safeguard,
        standard: j.control.standard,
        title: j.control.title,
        kind: j.control.kind,
        responsibility: j.control.responsibility,
        check: j.control.check,
        threshold: j.check?.threshold ?? null,
        applies_when: j.control.applies_when ?? null,
        state: j.state,
        previous_state: stored.get(j.control.id)?.previous_state ?? null,
        since: (stored.get(j.control.id)?.since ?? now).toISOString(),
        message: j.message,
        evidence: j.check?.evidence ?? {},
        attestation: j.attestation ?? null,
        decision: j.decision ? { ...j.decision, in_force: new Date(j.decision.expires_at) > now } : null,
      }),
    );
    return { org, checkedAt: now, controls, scores: score };
  }

  async function status(ctx: RequestContext, orgRef: string): Promise<ComplianceView> {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'compliance.read');
    const p = await evaluate(a.org.id);
    return {
      org_id: p.org.id,
      org_name: p.org.name,
      hipaa_enabled: p.org.hipaa_enabled,
      checked_at: p.checkedAt.toISOString(),
      ...p.scores,
      failing_required: p.controls
        .filter((c) => c.kind === 'required' && c.state === 'failing')
        .map((c) => c.id),
      controls: p.controls,
      history: await store.history(db, p.org.id, historyFrom(p.checkedAt)),
    };
  }

  function controlFor(id: string): Control {
    const control = findControl(id);
    if (!control) throw invalid(`there is no control '${id}'; ward compliance controls lists them`);
    return control;
  }

  async function attest(ctx: RequestContext, orgRef: string, body: AttestBody) {
    const a = await orgs.access(ctx, orgRef);
    const control = controlFor(body.control);
    const content = Buffer.from(body.content_base64, 'base64');
    const id = newId('att');
    const sha256 = createHash('sha256').update(content).digest('hex');
    const details = {
      control_id: control.id,
      attestation_id: id,
      file_name: body.file_name,
      size_bytes: content.length,
      sha256,
      review_by: body.review_by,
    };
    await audit.mutate(
      ctx,
      {
        action: 'compliance.attest',
        chain: a.org.id,
        target: { type: 'compliance_control', id: control.id, name: control.citation },
        details,
      },
      async (tx) => {
        authorize(ctx, a, 'compliance.manage');
        if (control.check !== 'attestation')
          throw invalid(
            `${control.citation} ${control.title} is checked by Ward itself (${control.check}); fix what its row says instead of attesting it`,
          );
        if (content.length === 0) throw invalid('the document is empty');
        if (content.length > MAX_DOCUMENT_BYTES) throw invalid('a document may be at most 10 MB');
        const today = dayOf(new Date());
        const latest = dayOf(new Date(Date.now() + MAX_REVIEW_YEARS * 366 * 86_400_000));
        if (body.review_by <= today || body.review_by > latest || Number.isNaN(Date.parse(body.review_by)))
          throw invalid(
            `the review date must be a real date after today and within ${MAX_REVIEW_YEARS} years`,
          );
        const sealed = await keys.encrypt(
          { type: 'org', orgId: a.org.id },
          content,
          documentAad(a.org.id, id),
          tx,
        );
        await store.insertAttestation(tx, {
          id,
          org_id: a.org.id,
          control_id: control.id,
          statement: body.statement,
          file_name: body.file_name,
          content_type: body.content_type,
          size_bytes: content.length,
          sha256,
          document: sealed,
          review_by: body.review_by,
          attested_by: principalOf(ctx).id,
        });
      },
    );
    return { id, control: control.id, sha256, size_bytes: content.length, review_by: body.review_by };
  }

  async function decide(ctx: RequestContext, orgRef: string, body: DecideBody) {
    const a = await orgs.access(ctx, orgRef);
    const control = controlFor(body.control);
    const id = newId('dec');
    const expires = new Date();
    expires.setUTCMonth(expires.getUTCMonth() + DECISION_MONTHS);
    const details = {
      control_id: control.id,
      decision_id: id,
      decision: body.decision,
      rationale: body.rationale,
      expires_at: expires.toISOString(),
    };
    await audit.mutate(
      ctx,
      {
        action: 'compliance.decide',
        chain: a.org.id,
        target: { type: 'compliance_control', id: control.id, name: control.citation },
        details,
      },
      async (tx) => {
        authorize(ctx, a, 'compliance.manage');
        const refusal = refuseDecision(control, body.decision);
        if (refusal) throw invalid(refusal);
        await store.insertDecision(tx, {
          id,
          org_id: a.org.id,
          control_id: control.id,
          decision: body.decision,
          rationale: body.rationale,
          decided_by: principalOf(ctx).id,
          expires_at: expires,
        });
      },
    );
    return { id, control: control.id, decision: body.decision, expires_at: expires.toISOString() };
  }

  async function document(ctx: RequestContext, orgRef: string, attestationId: string) {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'compliance.read');
    const row = await store.attestationDocument(db, a.org.id, attestationId);
    if (!row) throw notFound(`'${a.org.name}' has no attestation '${attestationId}'`);
    const content = await keys.decrypt(row.document, documentAad(a.org.id, row.id));
    return { file_name: row.file_name, content_type: row.content_type, sha256: row.sha256, content };
  }

  /** Re-checks every org Ward watches: alerts for controls that changed, today's snapshot. */
  async function checkAll(now = new Date()): Promise<void> {
    for (const orgId of await store.orgsToCheck(db)) {
      await evaluate(orgId, now).catch((err) =>
        log.error({ err, org: orgId }, 'compliance check of an org failed'),
      );
    }
  }

  return { status, evaluate, attest, decide, document, checkAll };
}

export type ComplianceService = ReturnType<typeof createComplianceService>;
