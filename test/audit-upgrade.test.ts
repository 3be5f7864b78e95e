/**
 * An upgrade keeps every old event verifiable: a control database as Ward left it before the
 * statement stream (migrations up to 0064: every event a row of audit_events, statements too,
 * sealed by their writers), then upgraded to today's schema in place. The old chain verifies, a
 * checkpoint is signed over it, statement events appended after the upgrade go in batches and
 * continue the same chain, and the mixed chain verifies online, pages, exports and verifies
 * offline.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditService,
  createAuditReader,
  createAuditService,
  createCheckpointer,
  sealerFor,
} from '../src/audit/index.js';
import { type Db, grantRuntimeRole, migrate } from '../src/db/index.js';
import { listAuditQuery, verifyExportFile } from '../src/evidence/index.js';
import { SYSTEM } from '../src/lib/context.js';
import { createLogger } from '../src/lib/logger.js';
import { databaseAt, type OldDatabase, useControlDb } from './support/control-db.js';

const control = useControlDb({ checkpoints: { everyEvents: 1_000_000, everyMs: 86_400_000 } });
const CHAIN = 'org_upgraded';
const LAST_BEFORE_STREAM = '0064';

let old: OldDatabase;
let owner: Db;
let app: Db;
let audit: AuditService;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ward-upgrade-'));
  old = await databaseAt(control, 'ward_upgrade', LAST_BEFORE_STREAM);
  ({ owner, app } = old);
  expect(old.applied.at(-1)).toBe('0064_token_scram');
  // The runtime role's grants as they stood (today's grantRuntimeRole names tables 0064 lacks).
  await sql`GRANT USAGE ON SCHEMA ward TO ward_app`.execute(owner);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ward TO ward_app`.execute(owner);
  await sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ward TO ward_app`.execute(owner);
  audit = createAuditService({ db: app, sealer: sealerFor(control.signer) });
});

afterAll(async () => {
  await audit?.drain();
  await old?.close();
  await rm(work, { recursive: true, force: true });
});

/** A statement event as the gateway wrote it before the stream: one row, with its text sealed. */
const statement = (i: number) => ({
  action: 'db.statement' as const,
  chain: CHAIN,
  target: { type: 'project' as const, id: 'prj_aaaaaaaaaaaaaaaa', name: 'records' },
  details: {
    project_id: 'prj_aaaaaaaaaaaaaaaa',
    session_id: 'dbs_aaaaaaaaaaaaaaaa',
    command: 'SELECT',
    statement: `SELECT * FROM visits WHERE id = $${i}`,
    fingerprint: 'f00d',
    protocol: 'simple',
  },
});

describe('an upgrade from before the statement stream', () => {
  it('keeps every old event verifiable, and the chain goes on in batches', async () => {
    // Before: changes and statements, every one a row, as Ward 0064 wrote them.
    for (let i = 1; i <= 10; i++) {
      await audit.record(SYSTEM, [
        {
          action: 'project.cluster.restart',
          chain: CHAIN,
          target: { type: 'project', id: 'prj_aaaaaaaaaaaaaaaa' },
          details: { reason: `exit ${i}` },
        },
        statement(i) as never,
      ]);
    }
    const rowsBefore = await app
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('chain_id', '=', CHAIN)
      .executeTakeFirstOrThrow();
    expect(Number(rowsBefore.n)).toBe(20);

    // The upgrade, in place.
    const applied = await migrate(owner);
    expect(applied).toContain('0065_audit_batches');
    await grantRuntimeRole(owner, 'ward_app');
    const log = createLogger('warn');
    const checkpointer = createCheckpointer({
      db: app,
      signer: control.signer,
      sealer: sealerFor(control.signer),
      audit,
      log,
      policy: { everyEvents: 1_000_000, everyMs: 86_400_000 },
    });
    const reader = createAuditReader({
      db: app,
      audit,
      signer: control.signer,
      sealer: sealerFor(control.signer),
      checkpointer,
    });
    expect(await checkpointer.checkpoint(CHAIN, true)).toBe(20);
    expect(await reader.verify(CHAIN)).toMatchObject({ ok: true, events: 20, checkpoints: 1 });

    // After: statements through the gateway's path go in batches and continue the chain.
    await audit.append(
      SYSTEM,
      [11, 12, 13, 14, 15].map((i) => statement(i) as never),
    );
    const { n } = await app
      .selectFrom('audit_batches')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('chain_id', '=', CHAIN)
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBeGreaterThan(0);
    expect(await checkpointer.checkpoint(CHAIN, true)).toBe(25);
    expect(await reader.verify(CHAIN)).toMatchObject({ ok: true, events: 25, checkpoints: 2, damage: null });

    // Pages hold the old rows and the new batches, newest first.
    const page = await reader.list(CHAIN, listAuditQuery.parse({ limit: 30 }));
    expect(page.events.map((e: { seq: number }) => e.seq)).toEqual(
      Array.from({ length: 25 }, (_, i) => 25 - i),
    );

    // And the export of both verifies offline with the public key alone.
    const upTo = await reader.startExport(SYSTEM, CHAIN, 'jsonl');
    const file = join(work, 'upgraded.jsonl');
    const out = createWriteStream(file);
    for await (const block of reader.exportLines(CHAIN, 'jsonl', upTo)) out.write(block);
    await new Promise((r) => out.end(r));
    expect(await verifyExportFile(file, control.signer.publicKeyPem)).toMatchObject({
      ok: true,
      events: upTo,
    });
  });
});
