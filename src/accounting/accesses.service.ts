/**
 * @module accounting/accesses.service
 * Answers from the statement events: who read an individual's rows (`whoRead`: every statement
 * that returned the subject in a declared column or named it in its predicate, with who, their
 * role then, the normalized statement, the command, the client's address and any break-glass
 * reason), and which of an org's candidates a person's statements reached in a window
 * (`subjectsReached`, counted per State). The identifier given is normalized and hashed under the
 * org's subject key exactly as the gateway did, once per case rule the project's keys use; the
 * subject tokens kept in each batch's row say which batches to decode. Both reads are audited
 * (`accounting.who.read`, `accounting.subjects.reached`) without the identifiers.
 */
import {
  type AuditService,
  type BatchedEvent,
  batchedEventById,
  decodeBatch,
  decodedBatch,
} from '../audit/index.js';
import type { Db } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { invalid } from '../lib/errors.js';
import { authorize } from '../policy/index.js';
import type {
  AccessView,
  SubjectsReachedBody,
  SubjectsReachedView,
  WhoReadBody,
  WhoReadView,
} from './accounting.schemas.js';
import { holdsAny, sinceDate, subjectsOf, tokenHints, tokenKeys } from './matches.js';
import type { ProjectAccess } from './project-access.js';
import type { SubjectService } from './subjects.service.js';
import * as store from './subjects.store.js';
import { type CaseRule, normalizeSubject } from './tokens.js';

interface Actor {
  id?: string;
  email?: string;
  service?: boolean;
  ip?: string;
}

export function createAccessAccounting(deps: {
  db: Db;
  audit: AuditService;
  subjects: SubjectService;
  projects: ProjectAccess;
}) {
  const { db, audit, subjects, projects } = deps;

  async function rulesOf(projectId: string, projectName: string): Promise<CaseRule[]> {
    const keys = await subjects.keysOf(projectId);
    if (keys.length === 0)
      throw invalid(`'${projectName}' declares no subject keys; add one first (ward subjects add)`);
    return [...new Set(keys.map((k) => k.case_rule))];
  }

  async function whoRead(ctx: RequestContext, projectId: string, body: WhoReadBody): Promise<WhoReadView> {
    const { project, org } = await projects.access(ctx, projectId);
    authorize(ctx, org, 'access.accounting.read');
    const chain = org.org.id;
    const rules = await rulesOf(project.id, project.name);
    const token = await subjects.orgTokenizer(chain);
    const tokens = [...new Set(rules.map((r) => normalizeSubject(body.subject, r)))].map(token);
    const since = sinceDate(body.since);
    const now = new Date();
    const at = await store.batchesReaching(
      db,
      chain,
      project.id,
      tokens,
      since,
      new Date(now.getTime() + 1000),
    );
    const found = new Map<
      string,
      { event: BatchedEvent; statement?: BatchedEvent; named: boolean; returned: boolean }
    >();
    const hints = tokens.flatMap(tokenHints);
    for (const b of await store.batchesAt(db, chain, at))
      for (const raw of decodeBatch({ first_seq: Number(b.first_seq), payload: b.payload })) {
        // Only records that can hold a token are parsed: most of a batch is other statements.
        if (!hints.some((h) => raw.body.includes(h))) continue;
        const e = { ...raw, seal: null, record: JSON.parse(raw.body.toString('utf8')) } as BatchedEvent;
        const r = e.record;
        if ((r.target as { id?: string }).id !== project.id) continue;
        const s = subjectsOf(r.details);
        if (!s) continue;
        const d = r.details as { session_id?: string; seq?: number };
        const key = `${d.session_id}|${d.seq}`;
        if (r.action === 'db.statement' && holdsAny(s.named, tokens)) {
          const hit = found.get(key);
          if (hit) {
            hit.named = true;
            hit.statement = e;
          } else found.set(key, { event: e, statement: e, named: true, returned: false });
        } else if (r.action === 'db.statement.result' && holdsAny(s.returned, tokens)) {
          const hit = found.get(key);
          if (hit) hit.returned = true;
          else found.set(key, { event: e, named: false, returned: true });
        }
      }
    const glass = await store.breakGlassOf(db, project.id, since, now);
    const accesses: AccessView[] = [];
    for (const hit of found.values()) {
      const s = subjectsOf(hit.event.record.details) ?? {};
      const statement =
        hit.statement ?? (s.statement_id ? await batchedEventById(db, chain, s.statement_id) : undefined);
      const first = statement ?? hit.event;
      const r = first.record;
      const d = r.details as { statement?: string | null; command?: string; session_id: string };
      const actor = (r.actor ?? {}) as Actor;
      const ms = Date.parse(r.time);
      const reason = glass.find(
        (g) => g.user_id === actor.id && g.created_at.getTime() <= ms && g.ends_at.getTime() >= ms,
      )?.reason;
      const resultDetails = hit.event.record.details as { bulk_read?: boolean };
      accesses.push({
        time: r.time,
        event_id: r.id,
        actor: actor.email ?? String(actor.id ?? 'unknown'),
        actor_kind: actor.service ? 'service' : 'person',
        role: s.role ?? subjectsOf(r.details)?.role ?? null,
        statement: d.statement ?? null,
        command: d.command ?? '',
        match: hit.named && hit.returned ? 'both' : hit.named ? 'predicate' : 'returned',
        client_address: actor.ip ?? null,
        session_id: d.session_id,
        break_glass_reason: reason ?? null,
        bulk_read: resultDetails.bulk_read === true,
      });
    }
    accesses.sort((a, b) => a.time.localeCompare(b.time) || a.event_id.localeCompare(b.event_id));
    await audit.record(ctx, [
      {
        action: 'accounting.who.read',
        chain,
        target: { type: 'project', id: project.id, name: project.name },
        details: { since: since.toISOString(), format: body.format ?? 'json', accesses: accesses.length },
      },
    ]);
    return {
      org: org.org.name,
      project_id: project.id,
      project: project.name,
      since: since.toISOString(),
      accesses,
    };
  }

  async function subjectsReached(
    ctx: RequestContext,
    projectId: string,
    body: SubjectsReachedBody,
    /** The org the project must belong to (an incident's, counting its affected individuals). */
    orgId?: string,
  ): Promise<SubjectsReachedView> {
    const { project, org } = await projects.access(ctx, projectId);
    authorize(ctx, org, 'access.accounting.read');
    if (orgId !== undefined && org.org.id !== orgId)
      throw invalid(`project '${project.name}' is not of this incident's organization`);
    const chain = org.org.id;
    const from = new Date(body.from);
    const to = new Date(body.to);
    if (!(from < to)) throw invalid(`--from (${body.from}) must be before --to (${body.to})`);
    const rules = await rulesOf(project.id, project.name);
    const token = await subjects.orgTokenizer(chain);
    // Each candidate's tokens (one per case rule in use) point back at it.
    const byToken = new Map<string, number>();
    body.candidates.forEach((c, i) => {
      for (const r of rules) byToken.set(token(normalizeSubject(c.identifier, r)).toString('latin1'), i);
    });
    const reachedTokens = new Set<string>();
    const email = body.actor.toLowerCase();
    let statements = 0;
    let uncovered = 0;
    for (const b of await store.batchesInWindow(db, chain, project.id, from, to))
      for (const e of decodedBatch(b)) {
        const r = e.record;
        const actor = (r.actor ?? {}) as Actor;
        if ((actor.email ?? '').toLowerCase() !== email) continue;
        if ((r.target as { id?: string }).id !== project.id) continue;
        const ms = Date.parse(r.time);
        if (ms < from.getTime() || ms >= to.getTime()) continue;
        const d = r.details as { uncovered_rows?: number; previous?: { uncovered_rows?: number } };
        if (r.action === 'db.statement') statements++;
        uncovered += (d.uncovered_rows ?? 0) + (d.previous?.uncovered_rows ?? 0);
        const s = subjectsOf(r.details);
        tokenKeys(s?.named, reachedTokens);
        tokenKeys(s?.returned, reachedTokens);
      }
    const reached = new Set<number>();
    for (const t of reachedTokens) {
      const i = byToken.get(t);
      if (i !== undefined) reached.add(i);
    }
    const states = new Map<string, number>();
    for (const i of reached) {
      const state = body.candidates[i]?.state ?? '';
      states.set(state, (states.get(state) ?? 0) + 1);
    }
    const by_state = [...states]
      .map(([state, count]) => ({ state, count }))
      .sort((a, b) => b.count - a.count || a.state.localeCompare(b.state));
    await audit.record(ctx, [
      {
        action: 'accounting.subjects.reached',
        chain,
        target: { type: 'project', id: project.id, name: project.name },
        details: {
          actor: body.actor,
          from: from.toISOString(),
          to: to.toISOString(),
          candidates: body.candidates.length,
          reached: reached.size,
        },
      },
    ]);
    return {
      project_id: project.id,
      actor: body.actor,
      from: from.toISOString(),
      to: to.toISOString(),
      statements,
      candidates: body.candidates.length,
      reached: reached.size,
      by_state,
      uncovered_rows: uncovered,
    };
  }

  return { whoRead, subjectsReached };
}

export type AccessAccounting = ReturnType<typeof createAccessAccounting>;
