/**
 * The audit tables against Ward's runtime role (issue 23): `ward_app` reads and appends, and can do
 * nothing else, on every audit table and on every partition of one (found in the catalog, so a
 * partition made later is covered too); the session setting the append-only trigger once trusted
 * opens nothing; and retention's owner function removes only events past the retention floor,
 * whatever rows the runtime role appended to steer it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { AUDIT_RETENTION } from '../src/audit/index.js';
import { APPEND_ONLY_TABLES, MIGRATIONS_DIR, READ_ONLY_TABLES } from '../src/db/index.js';
import { SYSTEM } from '../src/lib/context.js';
import { type ControlRole, controlConnection, superuser, useControlDb } from './support/control-db.js';

// Checkpoints only when a test asks, so a chain's checkpoints are exactly the test's.
const control = useControlDb({ checkpoints: { everyEvents: 1_000_000, everyMs: 86_400_000 } });

const AUDIT_TABLES: readonly string[] = [...APPEND_ONLY_TABLES, ...READ_ONLY_TABLES];
/**
 * Audit tables the runtime role changes by design: chain heads, export records, sink and witness
 * settings and their delivery state, and each chain's last verification.
 */
const MUTABLE_AUDIT_TABLES = [
  'audit_chains',
  'audit_exports',
  'audit_sinks',
  'audit_sink_state',
  'audit_witnesses',
  'audit_witness_state',
  'audit_witness_quorum',
  'audit_verifications',
];
/** What ward_app holds on each audit table. */
const APP_PRIVILEGES = (table: string) =>
  (READ_ONLY_TABLES as readonly string[]).includes(table) ? ['SELECT'] : ['INSERT', 'SELECT'];
const DAY = 86_400_000;

async function as<T>(role: ControlRole, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(controlConnection(control, role));
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

interface AuditRelation {
  /** The table or partition. */
  name: string;
  /** The audit table it belongs to (itself for a table). */
  root: string;
  /** Its first column, for an UPDATE that changes nothing. */
  column: string;
}

/** Every audit table and every partition under one, at any depth, from pg_class and pg_inherits. */
async function auditRelations(c: pg.Client): Promise<AuditRelation[]> {
  const { rows } = await c.query<AuditRelation>(
    `WITH RECURSIVE tree(oid, root) AS (
       SELECT c.oid, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'ward' AND c.relname = ANY($1::text[])
       UNION ALL
       SELECT i.inhrelid, t.root FROM pg_inherits i JOIN tree t ON i.inhparent = t.oid)
     SELECT c.relname AS name, t.root, a.attname AS column
       FROM tree t JOIN pg_class c ON c.oid = t.oid
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = 1
      ORDER BY 1`,
    [AUDIT_TABLES],
  );
  return rows;
}

/** A relation's whole access list, owner included, without grantors: `grantee:privilege[*]`. */
async function acl(c: pg.Client, name: string): Promise<string[]> {
  const { rows } = await c.query<{ entry: string }>(
    `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END
            || ':' || a.privilege_type || CASE WHEN a.is_grantable THEN '*' ELSE '' END AS entry
       FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
      WHERE c.oid = ('ward.' || quote_ident($1))::regclass
      ORDER BY 1`,
    [name],
  );
  return rows.map((r) => r.entry);
}

async function appPrivileges(c: pg.Client, name: string): Promise<string[]> {
  const { rows } = await c.query<{ p: string }>(
    `SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) p
      WHERE has_table_privilege('ward_app', ('ward.' || quote_ident($1))::regclass, p) ORDER BY 1`,
    [name],
  );
  return rows.map((r) => r.p);
}

/** Events in both tables of the log (audit_log reads both). */
async function eventCount(c: pg.Client, chain?: string): Promise<number> {
  const { rows } = chain
    ? await c.query('SELECT count(*)::int AS n FROM ward.audit_log WHERE chain_id = $1', [chain])
    : await c.query('SELECT count(*)::int AS n FROM ward.audit_log');
  return rows[0].n;
}

/**
 * `n` events in `chain`, written now (or whenever Date says): the odd ones through the group-commit
 * writer (a batch each, audit_batches), the even ones as a change's (a row each, audit_events).
 */
async function events(chain: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    const event = {
      action: 'project.cluster.restart' as const,
      chain,
      target: { type: 'project' as const, id: 'prj_aaaaaaaaaaaaaaaa' },
      details: { reason: `exit ${i}` },
    };
    if (i % 2) await control.audit.append(SYSTEM, [event]);
    else await control.audit.record(SYSTEM, [event]);
  }
}

describe('the runtime role on the audit tables', () => {
  it('finds every audit table and partition, and every audit table is classified', async () => {
    await events('org_privcount', 3);
    // A partition made while Ward runs, as maintenance makes them.
    await as('ward_app', (c) => c.query('SELECT ward.audit_ensure_partitions(3)'));
    await superuser(control, async (c) => {
      const names = (await auditRelations(c)).map((r) => r.name);
      expect(names).toEqual(expect.arrayContaining([...AUDIT_TABLES, 'audit_events_default']));
      expect(names.filter((n) => /^audit_events_\d{4}_\d{2}$/.test(n)).length).toBeGreaterThanOrEqual(4);

      const { rows } = await c.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'ward' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            AND (c.relname LIKE 'audit\\_%' OR EXISTS (
                   SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid
                      AND t.tgfoid::regproc::text LIKE '%refuse_change'))
          ORDER BY 1`,
      );
      for (const { name } of rows)
        expect([...AUDIT_TABLES, ...MUTABLE_AUDIT_TABLES], `${name} is not classified`).toContain(name);
    });
  });

  it("gives every partition exactly its parent's privileges", async () => {
    await superuser(control, async (c) => {
      for (const r of await auditRelations(c)) {
        expect(await appPrivileges(c, r.name), r.name).toEqual(APP_PRIVILEGES(r.root));
        expect(await acl(c, r.name), r.name).toEqual(await acl(c, r.root));
      }
    });
  });

  it('refuses ward_app every UPDATE, DELETE and TRUNCATE on every audit table and partition, with ward.audit_purge on', async () => {
    await events('org_privdel', 3);
    const relations = await superuser(control, auditRelations);
    const before = await superuser(control, (c) => eventCount(c));
    await as('ward_app', async (c) => {
      await c.query(`SET ward.audit_purge = 'on'`);
      for (const { name, column } of relations) {
        const table = `ward.${c.escapeIdentifier(name)}`;
        const col = c.escapeIdentifier(column);
        for (const q of [
          `UPDATE ${table} SET ${col} = ${col}`,
          `DELETE FROM ${table}`,
          `TRUNCATE ${table}`,
          `BEGIN; SELECT set_config('ward.audit_purge', 'on', true); DELETE FROM ${table}; COMMIT`,
        ]) {
          await expect(c.query(q), q).rejects.toThrow(/permission denied/);
          await c.query('ROLLBACK');
        }
      }
    });
    expect(await superuser(control, (c) => eventCount(c))).toBe(before);
  });

  it('lets no DELETE past the trigger but the owner’s, whatever the session set, even with the grant', async () => {
    await events('org_privtrig', 3);
    // A DELETE that finds no row fires no row trigger: the partitions holding events.
    const partitions = await superuser(control, async (c) =>
      (
        await c.query<{ name: string }>(
          `SELECT DISTINCT c.relname AS name
             FROM (SELECT tableoid FROM ward.audit_events UNION SELECT tableoid FROM ward.audit_batches) e
             JOIN pg_class c ON c.oid = e.tableoid ORDER BY 1`,
        )
      ).rows.map((r) => r.name),
    );
    expect(partitions.filter((p) => p.startsWith('audit_events')).length).toBeGreaterThan(0);
    expect(partitions.filter((p) => p.startsWith('audit_batches')).length).toBeGreaterThan(0);
    const before = await superuser(control, (c) => eventCount(c));
    for (const name of partitions) {
      await superuser(control, (c) => c.query(`GRANT UPDATE, DELETE ON ward.${name} TO ward_app`));
      try {
        await as('ward_app', async (c) => {
          await c.query(`SET ward.audit_purge = 'on'`);
          await expect(c.query(`DELETE FROM ward.${name}`)).rejects.toThrow(/the audit log is append-only/);
        });
      } finally {
        await superuser(control, (c) => c.query(`REVOKE UPDATE, DELETE ON ward.${name} FROM ward_app`));
      }
    }
    await superuser(control, async (c) => {
      await c.query(`SET ward.audit_purge = 'on'`);
      await expect(c.query('DELETE FROM ward.audit_events')).rejects.toThrow(/the audit log is append-only/);
      await expect(c.query('DELETE FROM ward.audit_batches')).rejects.toThrow(/the audit log is append-only/);
    });
    expect(await superuser(control, (c) => eventCount(c))).toBe(before);
  });

  it("gives a partition made later its parent's privileges, whatever the default privileges say", async () => {
    await superuser(control, (c) =>
      c.query('ALTER DEFAULT PRIVILEGES FOR ROLE ward_owner IN SCHEMA ward GRANT ALL ON TABLES TO ward_app'),
    );
    try {
      const before = new Set((await superuser(control, auditRelations)).map((r) => r.name));
      expect(
        await as('ward_app', (c) => c.query('SELECT ward.audit_ensure_partitions(8) AS n')),
      ).toMatchObject({
        // Five months ahead, for each of the log's two tables.
        rows: [{ n: 10 }],
      });
      await superuser(control, async (c) => {
        const made = (await auditRelations(c)).filter((r) => !before.has(r.name));
        expect(made.map((r) => r.root).sort()).toEqual([
          ...Array(5).fill('audit_batches'),
          ...Array(5).fill('audit_events'),
        ]);
        for (const r of made) {
          expect(await appPrivileges(c, r.name), r.name).toEqual(['INSERT', 'SELECT']);
          expect(await acl(c, r.name), r.name).toEqual(await acl(c, r.root));
        }
      });
    } finally {
      await superuser(control, (c) =>
        c.query(
          'ALTER DEFAULT PRIVILEGES FOR ROLE ward_owner IN SCHEMA ward REVOKE ALL ON TABLES FROM ward_app',
        ),
      );
    }
  });

  it("an upgrade's migration takes back what partitions held before it", async () => {
    const [file] = (await readdir(MIGRATIONS_DIR)).filter((f) => f.startsWith('0060_'));
    expect(file).toBeDefined();
    const partitions = (await superuser(control, auditRelations)).filter(
      (r) => r.root === 'audit_events' && r.name !== 'audit_events',
    );
    // What grantRuntimeRole left on every partition before the fix.
    for (const { name } of partitions)
      await superuser(control, (c) =>
        c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ward.${name} TO ward_app`),
      );
    // 0060 defines functions that later migrations redefine: what it replaces is put back after.
    const later = await superuser(control, async (c) =>
      (
        await c.query<{ def: string }>(
          `SELECT pg_get_functiondef(p.oid) AS def FROM pg_proc p
            WHERE p.pronamespace = 'ward'::regnamespace
              AND p.proname IN ('audit_ensure_partitions', 'audit_purge', 'audit_events_refuse_change')`,
        )
      ).rows.map((r) => r.def),
    );
    await as('ward_owner', async (c) => {
      await c.query(await readFile(join(MIGRATIONS_DIR, file as string), 'utf8'));
      for (const def of later) await c.query(def);
    });
    await superuser(control, async (c) => {
      for (const { name } of partitions) {
        expect(await appPrivileges(c, name), name).toEqual(['INSERT', 'SELECT']);
        expect(await acl(c, name), name).toEqual(await acl(c, 'audit_events'));
      }
    });
  });
});

describe('retention as the runtime role calls it', () => {
  it('removes events past the age up to an exported checkpoint', async () => {
    const chain = 'org_privold';
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 40 * DAY);
    try {
      await events(chain, 10);
      await control.checkpointer.checkpoint(chain, true);
    } finally {
      vi.useRealTimers();
    }
    await events(chain, 3);
    await as('ward_app', async (c) => {
      await expect(
        c.query(`SELECT ward.audit_purge($1, $2)`, [chain, AUDIT_RETENTION.min - 1]),
      ).rejects.toThrow(/shorter than the minimum of 30 days/);
      await c.query(
        `INSERT INTO ward.audit_exports (id, chain_id, up_to_seq, checkpoint_size, kind)
         VALUES ('exp_privold', $1, 10, 10, 'download')`,
        [chain],
      );
      expect(Number((await c.query('SELECT ward.audit_purge($1, 30) AS n', [chain])).rows[0].n)).toBe(10);
      const { rows } = await c.query(
        'SELECT min(seq)::int AS min, count(*)::int AS n FROM ward.audit_log WHERE chain_id = $1',
        [chain],
      );
      expect(rows[0]).toEqual({ min: 11, n: 3 });
      // Rows and batches alike: the odd events were batches.
      const batches = await c.query(
        'SELECT array_agg(first_seq::int ORDER BY first_seq) AS s FROM ward.audit_batches WHERE chain_id = $1',
        [chain],
      );
      expect(batches.rows[0].s).toEqual([11, 13]);
    });
  });

  it('removes nothing inside the floor, even when the runtime role forges an old event, a checkpoint and an export', async () => {
    const chain = 'org_privnew';
    await events(chain, 5);
    await as('ward_app', async (c) => {
      // A second event 4 (a row; the key is chain, seq and time) and a second batch holding event
      // 5, both dated 400 days ago, a checkpoint at 5 and an export covering it: everything
      // audit_purge looks at says "old and copied".
      await c.query(
        `INSERT INTO ward.audit_events
         SELECT chain_id, seq, id, old, action, outcome, actor_id, project_id,
                replace(body, body::jsonb->>'time',
                        to_char(old AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
                prev_hash, hash
           FROM (SELECT *, time - interval '400 days' AS old FROM ward.audit_events
                  WHERE chain_id = $1 AND seq = 4) e`,
        [chain],
      );
      await c.query(
        `INSERT INTO ward.audit_batches
         SELECT chain_id, first_seq, last_seq, time_from - interval '400 days', time_to - interval '400 days',
                actor_ids, project_ids, actions, outcomes, payload, seal
           FROM ward.audit_batches WHERE chain_id = $1 AND first_seq = 5`,
        [chain],
      );
      await c.query(
        `INSERT INTO ward.audit_checkpoints
         SELECT chain_id, 5, hash, hash, now(), 'forged', hash, ARRAY[hash]
           FROM ward.audit_log WHERE chain_id = $1 AND seq = 5 LIMIT 1`,
        [chain],
      );
      await c.query(
        `INSERT INTO ward.audit_exports (id, chain_id, up_to_seq, checkpoint_size, kind)
         VALUES ('exp_privnew', $1, 5, 5, 'download')`,
        [chain],
      );
      await expect(c.query('SELECT ward.audit_purge($1, 30)', [chain])).rejects.toThrow(
        /not all older than 30 days/,
      );
      expect(await eventCount(c, chain)).toBe(7);
      const anchors = await c.query('SELECT 1 FROM ward.audit_anchors WHERE chain_id = $1', [chain]);
      expect(anchors.rowCount).toBe(0);
    });
  });
});
