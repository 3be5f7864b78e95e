/**
 * A restart neither loses nor repeats an alert. Sign-ins from new networks stream in through the
 * API while Ward stops; after a start on the same $WARD_HOME more come. Every sign-in from a
 * network not seen before for that person has exactly one alert. Then the rules' saved state is
 * thrown away as if Ward had died before ever saving it: the next start evaluates the whole
 * chain again and raises nothing twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, events, orgId } from './support/access.js';
import { setRule } from './support/alerts.js';
import { eventually, PASSWORD, startTestWard, type TestWard } from './support/ward.js';

let w: TestWard | undefined;
let home: string;
afterAll(async () => {
  await w?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

const signInFrom = (t: TestWard, ip: string) =>
  call(t, 'POST', '/api/v1/auth/login', { body: { email: 'nina@north.test', password: PASSWORD }, ip });

/** The alerts of the rule, straight from the table (any duplicate would show). */
const raised = (t: TestWard) =>
  t.ward.services.db
    .selectFrom('alerts')
    .select(['rule', 'chain_id', 'seq', 'subject'])
    .where('rule', '=', 'new_network')
    .orderBy('seq')
    .execute();

/** What the rule must have raised: each successful sign-in from a network new for Nina, but the first. */
async function expected(t: TestWard, chain: string) {
  const seen = new Set<string>();
  const rows = await t.ward.services.db
    .selectFrom('audit_log')
    .select(['seq', 'body'])
    .where('chain_id', '=', chain)
    .where('action', '=', 'auth.login.success')
    .orderBy('seq')
    .execute();
  const want: number[] = [];
  for (const r of rows) {
    const net = `${(JSON.parse(r.body).actor.ip as string).split('.').slice(0, 3).join('.')}.0/24`;
    if (seen.size > 0 && !seen.has(net)) want.push(Number(r.seq));
    seen.add(net);
  }
  return want;
}

describe('alert rules across a restart', () => {
  it('raises each alert once: none lost while stopping, none repeated after', async () => {
    home = await mkdtemp(join(tmpdir(), 'ward-t-'));
    w = await startTestWard({}, {}, { home });
    const token = await w.user('nina@north.test');
    expect((await call(w, 'POST', '/api/v1/orgs', { token, body: { name: 'north' } })).status).toBe(201);
    const chain = await orgId(w, 'north');
    await setRule(w, token, 'north', 'new_network', { enabled: true });

    for (let i = 1; i <= 10; i++) expect((await signInFrom(w, `10.0.${i}.1`)).status).toBe(200);
    // Mid-stream: sign-ins in flight while Ward stops (some land, some are refused).
    const first = w;
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      signInFrom(first, `10.1.${i}.1`).catch(() => undefined),
    );
    await first.stop();
    await Promise.all(inFlight);

    w = await startTestWard({}, {}, { home });
    for (let i = 1; i <= 10; i++) expect((await signInFrom(w, `10.2.${i}.1`)).status).toBe(200);
    const want = await expected(w, chain);
    expect(want.length).toBeGreaterThanOrEqual(19);
    const after = await eventually(async () => {
      const r = await raised(w as TestWard);
      return r.length >= want.length ? r : undefined;
    });
    expect(after.map((a) => Number(a.seq))).toEqual(want);

    // As if Ward had died before saving anything: the next start evaluates the chain from seq 1.
    await w.ward.services.alerting.stop();
    await w.ward.services.db
      .updateTable('alert_chain_state')
      .set({ evaluated_seq: 0, state: '{}' })
      .where('chain_id', '=', chain)
      .execute();
    await w.stop();
    w = await startTestWard({}, {}, { home });
    const head = await w.ward.services.db
      .selectFrom('audit_chains')
      .select('last_seq')
      .where('id', '=', chain)
      .executeTakeFirstOrThrow();
    await eventually(async () => {
      const s = await (w as TestWard).ward.services.db
        .selectFrom('alert_chain_state')
        .select('evaluated_seq')
        .where('chain_id', '=', chain)
        .executeTakeFirstOrThrow();
      return Number(s.evaluated_seq) >= Number(head.last_seq) ? true : undefined;
    });
    const again = await raised(w);
    expect(again.map((a) => Number(a.seq))).toEqual(want);
    const raisedEvents = (await events(w, 'alert.raise', chain)).filter(
      (e) => e.details.rule === 'new_network',
    );
    expect(raisedEvents).toHaveLength(want.length);
  }, 240_000);
});
