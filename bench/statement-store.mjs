#!/usr/bin/env node
// The two shapes issue 19 allows for statement events, measured side by side on this machine with
// the same group-commit driver, so the choice rests on figures (ADR 0015):
//   journal  an append-only segment file under $WARD_HOME: CRC-framed binary records, chained
//            SHA-256, one write + fdatasync per group commit (pipelined: the next group is encoded
//            while the last one syncs), and one index row per committed group in the control
//            database, written off the hot path (every 50 ms, many rows in one INSERT);
//   rows     one control-database row per committed group: the records as one bytea payload and
//            the group's keys (seq and time range, actors, projects, actions), autocommitted with
//            synchronous_commit on, one statement in flight.
// Baseline in the same run: today's writer (audit.append), one row per event.
// Each caller appends one statement event and waits until it is durable, as a gateway session
// does. Prints events/s, CPU per event (Ward's Node process; the control database's processes),
// and the append latency's p50/p99.
//
// LANES="1 2" runs each shape with one writer lane and with two (independent chains, each with
// its own group commit; an event goes to one), as issue 19's "several writers" would.
//
//   npm run build && node bench/statement-store.mjs      (SECONDS=10 CALLERS="8 64 256" LANES="1 2")
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import pg from 'pg';
import { loadConfig } from '../dist/config/config.js';
import { createLogger } from '../dist/lib/logger.js';
import { startWard } from '../dist/server/ward.js';
import { processes, procStat, scratchHome } from './lib.mjs';

const SECONDS = Number(process.env.SECONDS ?? 10);
const CALLERS = (process.env.CALLERS ?? '8 64 256').split(' ').map(Number);
/** Writer lanes to try for each shape: independent chains, each with its own group commit. */
const LANES = (process.env.LANES ?? '1 2').split(' ').map(Number);
const MAX_GROUP = 2000;
const HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/**
 * CPU ticks of the control database: the postmaster and its live children, and (its cutime and
 * cstime) the children that exited and were reaped, so a backend ending mid-run takes nothing away.
 */
function controlTicks(postmaster) {
  let ticks = 0;
  for (const pid of processes()) {
    const p = procStat(pid);
    if (!p) continue;
    if (pid === postmaster) ticks += p.ticks + p.reaped;
    else if (p.ppid === postmaster) ticks += p.ticks;
  }
  return ticks;
}

const ACTORS = Array.from({ length: 64 }, (_, i) => `usr_${String(i).padStart(16, '0')}`);
const TEXT = 'SELECT abalance FROM pgbench_accounts WHERE aid = $1';

/** A statement event as the gateway has it: a few ids, the normalized text, the outcome's fields. */
function statementEvent(i) {
  return {
    time: Date.now(),
    actor: ACTORS[i % ACTORS.length],
    project: 'prj_aaaaaaaaaaaaaaaa',
    session: `ses_${String(i % 256).padStart(16, '0')}`,
    seq: i,
    action: 'db.statement',
    text: TEXT,
    fingerprint: 'a1b2c3d4e5f60718',
    rows: 1,
    duration_us: 41,
  };
}

/**
 * The compact binary record: fixed-width numbers, length-prefixed strings. About 170 bytes for
 * the event above (its canonical JSON is about 500).
 */
function encode(e) {
  const strings = [e.actor, e.project, e.session, e.action, e.text, e.fingerprint].map((s) => Buffer.from(s));
  const size = 8 + 8 + 4 + 4 + strings.reduce((n, s) => n + 2 + s.length, 0);
  const b = Buffer.allocUnsafe(size);
  let o = b.writeDoubleLE(e.time, 0);
  o = b.writeDoubleLE(e.seq, o);
  o = b.writeUInt32LE(e.rows, o);
  o = b.writeUInt32LE(e.duration_us, o);
  for (const s of strings) {
    o = b.writeUInt16LE(s.length, o);
    o += s.copy(b, o);
  }
  return b;
}

/**
 * Group commit around `persist(group)`: callers queue; while one group is being made durable, the
 * next is encoded and chain-hashed as callers arrive; it goes the moment the last one is durable.
 */
function groupCommit(persist) {
  let prev = Buffer.alloc(32);
  let seq = 0;
  const open = [];
  let inFlight;
  const flush = () => {
    if (inFlight || open.length === 0) return;
    const group = open.splice(0, MAX_GROUP);
    const records = group.map((w) => w.record);
    const first = group[0];
    const meta = {
      firstSeq: first.seq,
      lastSeq: group[group.length - 1].seq,
      from: first.event.time,
      to: group[group.length - 1].event.time,
      actors: [...new Set(group.map((w) => w.event.actor))],
      projects: [...new Set(group.map((w) => w.event.project))],
      actions: [...new Set(group.map((w) => w.event.action))],
    };
    inFlight = persist(records, meta).then(
      () => {
        for (const w of group) w.resolve();
      },
      (err) => {
        for (const w of group) w.reject(err);
      },
    );
    inFlight.finally(() => {
      inFlight = undefined;
      flush();
    });
  };
  return (event) =>
    new Promise((resolve, reject) => {
      const body = encode(event);
      prev = createHash('sha256').update(prev).update(body).digest();
      seq += 1;
      const frame = Buffer.allocUnsafe(8 + body.length + 32);
      frame.writeUInt32LE(body.length, 0);
      body.copy(frame, 8);
      prev.copy(frame, 8 + body.length);
      frame.writeUInt32LE(crc32(frame.subarray(8)), 4);
      open.push({ seq, event, record: frame, resolve, reject });
      setImmediate(flush);
    });
}

async function journalStore(dir, control, lane = 0) {
  const file = await open(join(dir, `statements-lane${lane}-000001.seg`), 'w+');
  await file.truncate(512 << 20);
  await file.datasync();
  let offset = 0;
  const index = [];
  const indexer = setInterval(async () => {
    if (index.length === 0) return;
    const rows = index.splice(0);
    const values = rows.map(
      (_, i) => `(${lane},${Array.from({ length: 7 }, (_, k) => `$${i * 7 + k + 1}`).join(',')})`,
    );
    await control.query(
      `INSERT INTO bench_journal_index (lane, first_seq, last_seq, t_from, t_to, actors, projects, byte_offset) VALUES ${values.join(',')}`,
      rows.flat(),
    );
  }, 50);
  const append = groupCommit(async (records, m) => {
    const buf = Buffer.concat(records);
    const at = offset;
    offset += buf.length;
    await file.write(buf, 0, buf.length, at);
    await file.datasync();
    index.push([m.firstSeq, m.lastSeq, new Date(m.from), new Date(m.to), m.actors, m.projects, at]);
  });
  return {
    append,
    async close() {
      clearInterval(indexer);
      await file.close();
    },
  };
}

function rowStore(control, lane = 0) {
  const append = groupCommit(async (records, m) => {
    await control.query(
      `INSERT INTO bench_batches (lane, first_seq, last_seq, t_from, t_to, actors, projects, actions, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        lane,
        m.firstSeq,
        m.lastSeq,
        new Date(m.from),
        new Date(m.to),
        m.actors,
        m.projects,
        m.actions,
        Buffer.concat(records),
      ],
    );
  });
  return { append, async close() {} };
}

/**
 * `n` stores side by side, each its own chain with its own group commit (a writer lane): an
 * event goes to one of them, as a gateway session would keep to one lane.
 */
async function lanes(n, make) {
  const stores = await Promise.all(Array.from({ length: n }, (_, lane) => make(lane)));
  return {
    append: (e) => stores[e.seq % n].append(e),
    close: () => Promise.all(stores.map((st) => st.close())),
  };
}

/** Today's path: one row per event through Ward's audit writer. */
function currentWriter(audit, chain) {
  return {
    append: (e) =>
      audit.append({ actor: { type: 'user', id: e.actor, email: 'bench@example.com' }, ip: '127.0.0.1' }, [
        {
          action: 'db.statement',
          chain,
          target: { type: 'project', id: e.project },
          details: {
            session_id: e.session,
            seq: e.seq,
            protocol: 'simple',
            statement: e.text,
            fingerprint: e.fingerprint,
            command: 'SELECT',
            text_id: null,
            tls: 'TLSv1.3',
          },
        },
      ]),
    async close() {},
  };
}

async function drive(store, callers, postmaster) {
  const latencies = [];
  let n = 0;
  const cpu0 = process.cpuUsage();
  const pg0 = controlTicks(postmaster);
  const stop = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (Date.now() < stop) {
        const t = performance.now();
        await store.append(statementEvent(n++));
        latencies.push(performance.now() - t);
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const pgSeconds = (controlTicks(postmaster) - pg0) / HZ;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    perSecond: Math.round(latencies.length / SECONDS),
    wardUs: (cpu.user + cpu.system) / latencies.length,
    pgUs: (pgSeconds * 1e6) / latencies.length,
    p50: at(0.5),
    p99: at(0.99),
  };
}

async function main() {
  const home = scratchHome('ward-bench-store-');
  const config = loadConfig({ WARD_HOME: home }, { port: 0, gateway_port: 0, log_level: 'warn' });
  const ward = await startWard(config, createLogger('warn', createWriteStream('/dev/null')));
  const socket = join(home, 'control', 'run');
  const postmaster = Number(
    readFileSync(join(home, 'control', 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const control = new pg.Pool({ host: socket, user: 'ward_admin', database: 'ward', max: 8 });
  await control.query(`CREATE TABLE bench_batches (lane int, first_seq bigint, last_seq bigint, t_from timestamptz,
                         t_to timestamptz, actors text[], projects text[], actions text[], payload bytea,
                         PRIMARY KEY (lane, first_seq))`);
  await control.query(`CREATE TABLE bench_journal_index (lane int, first_seq bigint, last_seq bigint, t_from timestamptz,
                         t_to timestamptz, actors text[], projects text[], byte_offset bigint, PRIMARY KEY (lane, first_seq))`);
  const org = (await ward.services.db.selectFrom('orgs').select('id').executeTakeFirst())?.id ?? 'operator';

  console.log(
    `# Statement store shapes — ${new Date().toISOString()} — ${SECONDS} s a run, each caller waits for its event to be durable`,
  );
  console.log('shape        lanes  callers  events/s   Ward µs/event  control DB µs/event  p50 ms  p99 ms');
  for (const callers of CALLERS) {
    const runs = [['today', 1, () => currentWriter(ward.services.audit, org)]];
    for (const n of LANES) {
      runs.push(['rows', n, () => lanes(n, (lane) => rowStore(control, lane))]);
      runs.push(['journal', n, () => lanes(n, (lane) => journalStore(home, control, lane))]);
    }
    for (const [name, n, make] of runs) {
      await control.query('TRUNCATE bench_batches, bench_journal_index');
      const store = await make();
      const r = await drive(store, callers, postmaster);
      await store.close();
      console.log(
        `${name.padEnd(12)} ${String(n).padStart(5)}  ${String(callers).padStart(7)}  ${r.perSecond.toLocaleString('en').padStart(8)}   ${r.wardUs.toFixed(1).padStart(13)}  ${r.pgUs.toFixed(1).padStart(19)}  ${r.p50.toFixed(2).padStart(6)}  ${r.p99.toFixed(2).padStart(6)}`,
      );
    }
  }
  await control.end();
  await ward.stop();
  rmSync(home, { recursive: true, force: true });
}

await main();
