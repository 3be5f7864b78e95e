/**
 * @module accounting/subjects.service
 * Subject keys: a project owner declares the columns that identify an individual; Ward checks
 * them against the project's catalog (catalog.ts) and keeps their (table OID, attribute number)
 * for the gateway, with the view columns that show them. Each add and remove is audited
 * (`subject.key.add`, `subject.key.remove`). `list` also shows the tables that statements of the
 * last day touched without a declared key, from the statement events' normalized text, so a gap in
 * coverage is visible. `planFor` is the gateway's view: the project's columns and the org's
 * tokenizer, cached for a few seconds and dropped at once when this process changes them.
 */
import type { AuditService } from '../audit/index.js';
import { decodedBatch } from '../audit/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db } from '../db/index.js';
import type { KeyService } from '../keys/index.js';
import type { RequestContext } from '../lib/context.js';
import { conflict, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { authorize } from '../policy/index.js';
import type { AddSubjectKeyBody, SubjectKeysView, SubjectKeyView } from './accounting.schemas.js';
import { parseColumnRef, resolveColumn } from './catalog.js';
import type { ProjectAccess } from './project-access.js';
import { loadRelationsParser, relationsOf } from './relations.js';
import * as store from './subjects.store.js';
import { type CaseRule, SUBJECT_KEY_PURPOSE, type Tokenizer, tokenizer } from './tokens.js';

/** A declared (or view) column as the gateway matches it. */
export interface PlanColumn {
  schema: string;
  table: string;
  column: string;
  tableOid: number;
  attnum: number;
  typeOid: number;
  rule: CaseRule;
  copyIndex: number;
}

/** What the gateway needs for one project's sessions; undefined when it declares no key. */
export interface SubjectPlan {
  columns: PlanColumn[];
  token: Tokenizer;
}

const PLAN_TTL_MS = 5_000;
/** How many of the last day's batches the coverage view reads at most (newest first). */
const COVERAGE_BATCHES = 2_000;

const name = (r: { schema_name: string; table_name: string; column_name: string }) =>
  `${r.schema_name}.${r.table_name}.${r.column_name}`;

export function createSubjectService(deps: {
  db: Db;
  audit: AuditService;
  keys: Pick<KeyService, 'derive'>;
  dataplane: Pick<DataPlaneProvider, 'adminConnection'>;
  projects: ProjectAccess;
}) {
  const { db, audit, projects } = deps;
  const plans = new Map<string, { at: number; plan: Promise<SubjectPlan | undefined> }>();

  function views(rows: store.SubjectKeyRow[]): SubjectKeyView[] {
    return rows
      .filter((r) => r.derived_from === null)
      .map((r) => ({
        id: r.id,
        project_id: r.project_id,
        column: name(r),
        case_rule: r.case_rule,
        table_oid: Number(r.table_oid),
        attnum: r.attnum,
        views: rows.filter((v) => v.derived_from === r.id).map(name),
        created_at: r.created_at.toISOString(),
      }));
  }

  async function add(
    ctx: RequestContext,
    projectRef: string,
    body: AddSubjectKeyBody,
  ): Promise<SubjectKeyView> {
    const { project, org } = await projects.access(ctx, projectRef);
    const ref = parseColumnRef(body.column);
    const id = newId('sbk');
    const target = { type: 'project' as const, id: project.id, name: project.name };
    const column = `${ref.schema}.${ref.table}.${ref.column}`;
    await audit.mutate(
      ctx,
      {
        action: 'subject.key.add',
        chain: org.org.id,
        target,
        details: { column, case_rule: body.case_rule, views: [] },
      },
      async (tx, draft) => {
        authorize(ctx, org, 'subjects.manage');
        const existing = await store.keysOf(tx, project.id);
        if (existing.some((k) => k.derived_from === null && name(k) === column))
          throw conflict(`${column} is already a subject key of '${project.name}'`);
        const found = await resolveColumn(deps.dataplane, project.id, ref);
        const by = ctx.actor.type === 'user' ? ctx.actor.id : null;
        const base = {
          org_id: org.org.id,
          project_id: project.id,
          case_rule: body.case_rule,
          created_by: by,
        };
        const c = found.column;
        await store.insertKey(tx, {
          ...base,
          id,
          schema_name: c.schema,
          table_name: c.table,
          column_name: c.column,
          table_oid: c.table_oid,
          attnum: c.attnum,
          type_oid: c.type_oid,
          copy_index: c.copy_index,
          derived_from: null,
        });
        for (const v of found.views) {
          if (existing.some((k) => Number(k.table_oid) === Number(v.table_oid) && k.attnum === v.attnum))
            continue;
          await store.insertKey(tx, {
            ...base,
            id: newId('sbk'),
            schema_name: v.schema,
            table_name: v.table,
            column_name: v.column,
            table_oid: v.table_oid,
            attnum: v.attnum,
            type_oid: v.type_oid,
            copy_index: v.copy_index,
            derived_from: id,
          });
        }
        draft.details.views = found.views.map((v) => `${v.schema}.${v.table}.${v.column}`);
      },
    );
    plans.delete(project.id);
    const made = views(await store.keysOf(db, project.id)).find((k) => k.id === id);
    if (!made) throw notFound(`subject key ${id} is gone`);
    return made;
  }

  async function remove(ctx: RequestContext, projectRef: string, keyId: string): Promise<void> {
    const { project, org } = await projects.access(ctx, projectRef);
    await audit.mutate(
      ctx,
      {
        action: 'subject.key.remove',
        chain: org.org.id,
        target: { type: 'project', id: project.id, name: project.name },
        details: { column: keyId },
      },
      async (tx, draft) => {
        authorize(ctx, org, 'subjects.manage');
        const row = (await store.keysOf(tx, project.id)).find(
          (k) => k.id === keyId && k.derived_from === null,
        );
        if (!row) throw notFound(`'${project.name}' has no subject key ${keyId}; see ward subjects list`);
        draft.details.column = name(row);
        await store.deleteKey(tx, keyId);
      },
    );
    plans.delete(project.id);
  }

  /** Tables the last day's statements touched that have no declared key, busiest first. */
  async function uncovered(orgId: string, projectId: string, declared: Set<string>) {
    await loadRelationsParser();
    const rows = await store.recentStatementBatches(db, orgId, projectId, COVERAGE_BATCHES);
    const texts = new Map<string, number>();
    let scanned = 0;
    for (const b of rows)
      for (const e of decodedBatch(b)) {
        const d = e.record.details as { statement?: unknown };
        if (e.record.action !== 'db.statement' || typeof d.statement !== 'string') continue;
        if ((e.record.target as { id?: string }).id !== projectId) continue;
        scanned++;
        texts.set(d.statement, (texts.get(d.statement) ?? 0) + 1);
      }
    const tables = new Map<string, { statements: number; examples: [string, number][] }>();
    for (const [text, n] of texts)
      for (const t of relationsOf(text)) {
        if (declared.has(t)) continue;
        const entry = tables.get(t) ?? { statements: 0, examples: [] };
        entry.statements += n;
        entry.examples.push([text, n]);
        tables.set(t, entry);
      }
    const out = [...tables].map(([table, e]) => ({
      table,
      statements: e.statements,
      examples: e.examples
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([t]) => t),
    }));
    return { scanned, tables: out.sort((a, b) => b.statements - a.statements) };
  }

  async function list(ctx: RequestContext, projectRef: string): Promise<SubjectKeysView> {
    const { project, org } = await projects.access(ctx, projectRef);
    authorize(ctx, org, 'subjects.read');
    const rows = await store.keysOf(db, project.id);
    const declared = new Set(rows.map((r) => `${r.schema_name}.${r.table_name}`));
    const cover = await uncovered(org.org.id, project.id, declared);
    return { keys: views(rows), uncovered_tables: cover.tables, statements_scanned: cover.scanned };
  }

  async function loadPlan(orgId: string, projectId: string): Promise<SubjectPlan | undefined> {
    const rows = await store.keysOf(db, projectId);
    if (rows.length === 0) return undefined;
    const key = await deps.keys.derive({ type: 'org', orgId }, SUBJECT_KEY_PURPOSE, 32);
    return {
      token: tokenizer(key),
      columns: rows.map((r) => ({
        schema: r.schema_name,
        table: r.table_name,
        column: r.column_name,
        tableOid: Number(r.table_oid),
        attnum: r.attnum,
        typeOid: Number(r.type_oid),
        rule: r.case_rule,
        copyIndex: r.copy_index,
      })),
    };
  }

  /** The project's plan for a new gateway session (cached for PLAN_TTL_MS). */
  function planFor(orgId: string, projectId: string): Promise<SubjectPlan | undefined> {
    const now = Date.now();
    const hit = plans.get(projectId);
    if (hit && now - hit.at < PLAN_TTL_MS) return hit.plan;
    const plan = loadPlan(orgId, projectId);
    plans.set(projectId, { at: now, plan });
    plan.catch(() => plans.delete(projectId));
    return plan;
  }

  /** The org's tokenizer (who-read hashes the identifier it is given). */
  async function orgTokenizer(orgId: string): Promise<Tokenizer> {
    return tokenizer(await deps.keys.derive({ type: 'org', orgId }, SUBJECT_KEY_PURPOSE, 32));
  }

  return {
    add,
    remove,
    list,
    planFor,
    orgTokenizer,
    keysOf: (projectId: string) => store.keysOf(db, projectId),
  };
}

export type SubjectService = ReturnType<typeof createSubjectService>;
