/**
 * The evaluator judges each committed event once and in seq order, however the log reports them:
 * batches that committed close together arrive out of order, a change of settings pauses the
 * chain while the settings are read again, and events committed in another transaction are
 * never reported at all. The new-network rule shows the order: the first network a person is
 * seen from raises nothing and every later new one raises, so an event judged out of order or
 * skipped changes which seqs have alerts.
 */
import { describe, expect, it } from 'vitest';
import { useControlDb } from '../../test/support/control-db.js';
import { committedAfter } from '../audit/index.js';
import type { RequestContext } from '../lib/context.js';
import { createLogger } from '../lib/logger.js';
import { createEvaluator } from './evaluator.js';

const control = useControlDb();
const ORG = 'org_evaluatortestaaaa';

const nina = (i: number): RequestContext => ({
  actor: {
    type: 'user',
    id: 'usr_ninaaaaaaaaaaaaa',
    email: 'nina@north.test',
    operator: false,
    token_id: 'tok_x',
  },
  ip: `10.0.${i}.7`,
});

describe('the alert evaluator', () => {
  it('judges events once and in seq order when batches are reported out of order, around a pause and a gap', async () => {
    const { db, audit } = control;
    await db.insertInto('orgs').values({ id: ORG, name: 'north', hipaa_enabled: true }).execute();
    const evaluator = createEvaluator({
      db,
      audit,
      channels: [],
      onRaised: () => undefined,
      log: createLogger('warn'),
      // Nothing reads the log unasked: only the evaluator's own gap handling may.
      checkEveryMs: 3_600_000,
      flushEveryMs: 3_600_000,
    });
    await evaluator.start();

    // 40 sign-ins, each from a network of its own, and a change of the rules' settings at seq 15.
    for (let i = 1; i <= 40; i++) {
      if (i === 15)
        await audit.append(nina(i), [
          {
            action: 'alert.rule.update',
            chain: ORG,
            target: { type: 'org', id: ORG, name: 'north' },
            details: { rule: 'off_hours', enabled: false },
          },
        ]);
      else
        await audit.append(nina(i), [
          {
            action: 'auth.login.success',
            chain: ORG,
            target: { type: 'user', id: 'usr_ninaaaaaaaaaaaaa' },
            details: {},
          },
        ]);
    }
    const log = await committedAfter(db, ORG, 0, 100);
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const report = (from: number, to: number) =>
      evaluator.onCommitted(
        ORG,
        from,
        log.slice(from - 1, to).map((e) => e.event),
      );
    // 11–20 (with the pause at 15) before 1–10; 21–30 is never reported; 31–40 waits behind it.
    report(11, 20);
    report(1, 10);
    report(31, 40);

    const newNetworks = Array.from({ length: 40 }, (_, i) => i + 1).filter((seq) => seq !== 1 && seq !== 15);
    let seqs: number[] = [];
    for (let tries = 0; tries < 100 && seqs.length < newNetworks.length; tries++) {
      await new Promise((r) => setTimeout(r, 50));
      await evaluator.flush();
      const rows = await db
        .selectFrom('alerts')
        .select(['seq'])
        .where('chain_id', '=', ORG)
        .where('rule', '=', 'new_network')
        .orderBy('seq')
        .execute();
      seqs = rows.map((r) => Number(r.seq));
    }
    expect(seqs).toEqual(newNetworks);
    const saved = await db
      .selectFrom('alert_chain_state')
      .select('evaluated_seq')
      .where('chain_id', '=', ORG)
      .executeTakeFirstOrThrow();
    expect(Number(saved.evaluated_seq)).toBe(40);
    await evaluator.stop();
  });
});
