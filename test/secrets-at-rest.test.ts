/**
 * No secret in clear: Ward is filled with one of every kind of secret it keeps (role passwords,
 * TOTP secrets, tokens, webhook and SSO secrets, statement literals through the gateway; see
 * support/secret-seeders.ts), then every text, bytea and JSON column of the control database,
 * every file under $WARD_HOME except the keystore's root key (the clusters' data files and WAL
 * included), and Ward's log are searched for each secret as text, base64 and hex. A canary that
 * Ward keeps in clear on purpose (the org's legal name) proves that the search finds what is there.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superuser } from './support/control-db.js';
import { enableHipaa, mfaUser, startHipaaWard } from './support/hipaa.js';
import { needlesIn } from './support/scan.js';
import { SECRET_SEEDERS, type SeedContext, unique } from './support/secret-seeders.js';
import { eventually, type TestWard } from './support/ward.js';

let w: TestWard;
let ctx: SeedContext;
const secrets: { kind: string; value: string }[] = [];
let canary: string;

interface Needle {
  label: string;
  bytes: Buffer;
}

/** Each secret as Ward might have written it without encrypting: text, base64, hex. */
const needlesOf = (s: { kind: string; value: string }): Needle[] => {
  const raw = Buffer.from(s.value, 'utf8');
  return [
    { label: `${s.kind}: ${s.value.slice(0, 12)}… (text)`, bytes: raw },
    { label: `${s.kind} (base64)`, bytes: Buffer.from(raw.toString('base64').replace(/=+$/, '')) },
    { label: `${s.kind} (hex)`, bytes: Buffer.from(raw.toString('hex')) },
  ];
};

/** Every (table, column) holding text, bytes or JSON in Ward's schema, with the needles it holds. */
async function scanDatabase(needles: Needle[]): Promise<string[]> {
  return superuser(w, async (c) => {
    const { rows: columns } = await c.query(
      `SELECT c.table_name, c.column_name, c.udt_name
         FROM information_schema.columns c
         JOIN pg_class k ON k.relname = c.table_name
         JOIN pg_namespace n ON n.oid = k.relnamespace AND n.nspname = c.table_schema
        WHERE c.table_schema = 'ward' AND k.relkind IN ('r', 'p') AND NOT k.relispartition
          AND c.udt_name IN ('text', 'varchar', 'bpchar', 'bytea', 'json', 'jsonb', '_text', '_bytea', '_jsonb')`,
    );
    expect(columns.length).toBeGreaterThan(30);
    const found: string[] = [];
    for (const { table_name: t, column_name: col, udt_name: type } of columns) {
      const ref = `ward.${pg.escapeIdentifier(t)}`;
      const id = pg.escapeIdentifier(col);
      const text =
        type === 'bytea'
          ? `position(n IN x.${id}) > 0`
          : type === '_bytea'
            ? `EXISTS (SELECT 1 FROM unnest(x.${id}) e WHERE position(n IN e) > 0)`
            : `position(convert_from(n, 'UTF8') IN x.${id}::text) > 0`;
      const { rows } = await c.query(
        `SELECT i FROM unnest($1::bytea[]) WITH ORDINALITY AS u(n, i) WHERE EXISTS (SELECT 1 FROM ${ref} x WHERE ${text})`,
        [needles.map((n) => n.bytes)],
      );
      for (const r of rows) found.push(`${t}.${col}: ${needles[Number(r.i) - 1]?.label}`);
    }
    return found;
  });
}

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/** Every file under $WARD_HOME but the root key, and Ward's log, with the needles each holds. */
async function scanFiles(needles: Needle[]): Promise<{ found: string[]; count: number; bytes: number }> {
  const rootKey = join(w.home, 'keys', 'root.key');
  const found: string[] = [];
  let count = 0;
  let bytes = 0;
  const paths: string[] = [w.logFile];
  for await (const path of files(w.home)) if (path !== rootKey) paths.push(path);
  for (const path of paths) {
    let hits: Set<number>;
    try {
      // The encrypted volume's image is a sparse file of a few GB: streamed, like every file.
      bytes += (await stat(path)).size;
      hits = await needlesIn(
        path,
        needles.map((n) => n.bytes),
      );
    } catch (err) {
      // A file a cluster removed between listing and reading (a recycled WAL segment) is gone.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    count++;
    for (const i of hits) found.push(`${path.slice(w.home.length)}: ${needles[i]?.label}`);
  }
  return { found, count, bytes };
}

beforeAll(async () => {
  w = await startHipaaWard();
  const owner = await mfaUser(w, 'alice@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: owner, body: { name: 'acme' } });
  await enableHipaa(w, 'acme', owner);
  canary = unique('canary-legal-name');
  await w.request('PATCH', '/api/v1/orgs/acme', { token: owner, body: { settings: { legal_name: canary } } });
  const p = await w.request('POST', '/api/v1/orgs/acme/projects', {
    token: owner,
    body: { name: 'records', region_id: 'local-hipaa' },
  });
  await eventually(async () => {
    const r = (await w.request('GET', `/api/v1/projects/${p.body.id}`, { token: owner })).body;
    return r.status === 'running' ? r : undefined;
  });
  ctx = { w, org: 'acme', owner, projectId: p.body.id };
  for (const seeder of SECRET_SEEDERS) {
    const values = await seeder.seed(ctx);
    expect(values.length, seeder.kind).toBeGreaterThan(0);
    for (const value of values) {
      expect(typeof value === 'string' && value.length >= 8, `${seeder.kind}: ${value}`).toBe(true);
      secrets.push({ kind: seeder.kind, value });
    }
  }
  // Let every buffered write land: the audit writer's batches, and the clusters' WAL on disk.
  await w.ward.services.audit.drain();
  await superuser(w, (c) => c.query('CHECKPOINT'));
}, 240_000);
afterAll(() => w?.stop());

describe('secrets at rest', () => {
  it('the search finds a value Ward keeps in clear on purpose, in the database and on disk', async () => {
    const needles = needlesOf({ kind: 'canary', value: canary });
    expect(await scanDatabase(needles)).toContain(`orgs.settings: ${needles[0]?.label}`);
    expect((await scanFiles(needles)).found.some((f) => f.startsWith('/control/'))).toBe(true);
  });

  it('no seeded secret is in any text, bytea or JSON column of the control database', async () => {
    const kinds = new Set(secrets.map((s) => s.kind));
    expect(kinds.size).toBe(SECRET_SEEDERS.length);
    expect(await scanDatabase(secrets.flatMap(needlesOf))).toEqual([]);
  });

  it('no seeded secret is in any file under $WARD_HOME (but the root key) or in Ward’s log', async () => {
    const { found, count, bytes } = await scanFiles(secrets.flatMap(needlesOf));
    expect(found).toEqual([]);
    expect(count).toBeGreaterThan(1000);
    expect(bytes).toBeGreaterThan(50 * 1024 * 1024);
  });
});
