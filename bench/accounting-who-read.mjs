#!/usr/bin/env node
// `who-read` over an org with many statement events (issue 22: 10 million, under 1 s). Ward runs
// in this process on a scratch home; a project declares patients.mrn; the org's chain is filled
// through Ward's own batch writer (audit.append, as gateway sessions fill it: many callers, each
// a few statements at a time), every statement naming one patient of PATIENTS in its predicate,
// with its token kept in its batch's row (audit_batches.subject_tokens, a GIN index). Then `who-read`
// (POST …/accesses/who-read through the HTTP API) for patients picked at random, each answering
// with the ~EVENTS/PATIENTS accesses it finds; baseline in the same run: a who-read of a patient
// never accessed (index probe, no batch read).
// Before the fill, AB_ROUNDS pairs of AB_EVENTS appends, without and with the tokens indexed: the
// index's cost to the store, with its same-run baseline.
//   npm run build && node bench/accounting-who-read.mjs     (EVENTS=10000000 PATIENTS=1000000 CALLERS=64 QUERIES=20 AB_EVENTS=200000)
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../dist/config/config.js';
import { createLogger } from '../dist/lib/logger.js';
import { startWard } from '../dist/server/ward.js';
import { api, cleanup, cpuSeconds, operatorToken, postmaster, scratchHome, stats } from './lib.mjs';

const EVENTS = Number(process.env.EVENTS ?? 10_000_000);
const PATIENTS = Number(process.env.PATIENTS ?? 1_000_000);
const CALLERS = Number(process.env.CALLERS ?? 64);
const PER_CALL = Number(process.env.PER_CALL ?? 8);
const QUERIES = Number(process.env.QUERIES ?? 20);
const AB_EVENTS = Number(process.env.AB_EVENTS ?? 200_000);
const AB_ROUNDS = Number(process.env.AB_ROUNDS ?? 2);
const log = (line) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const mrn = (i) => `MRN-${String(i).padStart(7, '0')}`;

async function main() {
  const home = scratchHome();
  const config = loadConfig({ WARD_HOME: home }, { port: 0, gateway_port: 0, log_level: 'warn' });
  const ward = await startWard(config, createLogger('warn', createWriteStream('/dev/null')));
  try {
    const { audit, accounting, db } = ward.services;
    const token = await operatorToken(ward.url, home);
    const org = await api(ward.url, 'POST', '/api/v1/orgs', { token, body: { name: 'bench' } });
    const project = await api(ward.url, 'POST', '/api/v1/orgs/bench/projects', {
      token,
      body: { name: 'records', region_id: 'local' },
    });
    // The key as `subjects add` would keep it, written directly: no cluster needs the table.
    await sql`INSERT INTO subject_keys (id, org_id, project_id, schema_name, table_name, column_name, case_rule,
                table_oid, attnum, type_oid, copy_index)
              VALUES ('sbk_benchbenchbenchbe', ${org.id}, ${project.id}, 'public', 'patients', 'mrn', 'exact',
                      16400, 2, 25, 1)`.execute(db);
    const token16 = await accounting.subjects.orgTokenizer(org.id);
    const ctx = Object.freeze({
      actor: Object.freeze({
        type: 'user',
        id: 'usr_benchbenchbenchbe',
        email: 'bob@bench.test',
        operator: false,
        token_id: 'dbc_x',
      }),
      ip: '10.0.0.7',
    });
    const target = Object.freeze({ type: 'project', id: project.id, name: 'records' });
    const statement = (i) => {
      const t = token16(mrn((i * 7919) % PATIENTS));
      return {
        action: 'db.statement',
        chain: org.id,
        target,
        subjectTokens: [t],
        details: {
          session_id: `dbs_bench${i % 1000}`,
          seq: i,
          protocol: 'simple',
          statement: 'SELECT name FROM patients WHERE mrn = $1',
          fingerprint: 'a1b2c3d4e5f60718',
          command: 'SELECT',
          text_id: 1,
          tls: 'TLSv1.3',
          subjects: { named: t.toString('base64'), count: 1, role: 'readonly' },
        },
      };
    };
    // The store's cost of the index, same run: phases of AB_EVENTS appended with the tokens
    // indexed and without (the same events, the side channel dropped), alternating.
    const fill = async (n, indexed) => {
      let at = 0;
      const control = postmaster(join(home, 'control', 'pgdata'));
      const d0 = cpuSeconds(control, true);
      const c0 = process.cpuUsage();
      const t = performance.now();
      await Promise.all(
        Array.from({ length: CALLERS }, async () => {
          while (at < n) {
            const from = at;
            at += PER_CALL;
            const specs = Array.from({ length: Math.min(PER_CALL, n - from) }, (_, k) => statement(from + k));
            if (!indexed) for (const e of specs) delete e.subjectTokens;
            await audit.append(ctx, specs);
          }
        }),
      );
      const { user, system } = process.cpuUsage(c0);
      return {
        perSecond: n / ((performance.now() - t) / 1000),
        wardUs: (user + system) / n,
        controlUs: ((cpuSeconds(control, true) - d0) * 1e6) / n,
      };
    };
    for (let round = 0; round < AB_ROUNDS; round++)
      for (const indexed of [false, true]) {
        const r = await fill(AB_EVENTS, indexed);
        console.log(
          `append ${AB_EVENTS} statement events, tokens ${indexed ? 'indexed    ' : 'not indexed'}: ${Math.round(r.perSecond)}/s, Ward ${r.wardUs.toFixed(1)} µs/event, control DB ${r.controlUs.toFixed(1)} µs/event`,
        );
      }
    log(
      `filling ${EVENTS} statement events through the batch writer (${CALLERS} callers, ${PER_CALL} a call)`,
    );
    const t0 = performance.now();
    let next = 0;
    let reported = 0;
    await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        while (next < EVENTS) {
          const from = next;
          next += PER_CALL;
          await audit.append(
            ctx,
            Array.from({ length: Math.min(PER_CALL, EVENTS - from) }, (_, k) => statement(from + k)),
          );
          if (next - reported >= 500_000) {
            reported = next;
            log(`${next} events, ${Math.round(next / ((performance.now() - t0) / 1000))}/s`);
          }
        }
      }),
    );
    const fillSeconds = (performance.now() - t0) / 1000;
    await sql`ANALYZE audit_batches`.execute(db);
    const counts = (
      await sql`SELECT (SELECT count(*) FROM audit_batches) AS batches, (SELECT sum(cardinality(subject_tokens)) FROM audit_batches) AS indexed,
                       pg_size_pretty((SELECT sum(pg_relation_size(indexrelid)) FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indrelid
                                        WHERE h.inhparent = 'audit_batches'::regclass AND i.indexrelid::regclass::text LIKE '%subject_tokens%')) AS index_size,
                       pg_size_pretty((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'audit_batches'::regclass)) AS batches_size`.execute(
        db,
      )
    ).rows[0];
    const whoRead = async (subject) => {
      const t = performance.now();
      const r = await api(ward.url, 'POST', `/api/v1/projects/${project.id}/accesses/who-read`, {
        token,
        body: { subject, since: '1d' },
      });
      return { ms: performance.now() - t, n: r.accesses.length };
    };
    await whoRead(mrn(1));
    const hit = [];
    const miss = [];
    for (let q = 0; q < QUERIES; q++) {
      hit.push(await whoRead(mrn(Math.floor(Math.random() * PATIENTS))));
      miss.push(await whoRead(`MRN-X${q}`));
    }
    const p95 = (xs) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))];
    const s = { ...stats(hit.map((h) => h.ms)), p95: p95(hit.map((h) => h.ms)) };
    const b = { ...stats(miss.map((h) => h.ms)), p95: p95(miss.map((h) => h.ms)) };
    console.log(
      `events ${EVENTS} (filled in ${fillSeconds.toFixed(0)} s, ${Math.round(EVENTS / fillSeconds)}/s), batches ${counts.batches}, tokens ${counts.indexed} (GIN ${counts.index_size}; batches ${counts.batches_size})`,
    );
    console.log(
      `who-read, a patient with accesses (mean ${(hit.reduce((n, h) => n + h.n, 0) / hit.length).toFixed(1)} found): p50 ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`,
    );
    console.log(
      `baseline, a patient never accessed (index probe only):  p50 ${b.median.toFixed(1)} ms, p95 ${b.p95.toFixed(1)} ms, max ${b.max.toFixed(1)} ms`,
    );
  } finally {
    await ward.stop();
    cleanup(home);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
