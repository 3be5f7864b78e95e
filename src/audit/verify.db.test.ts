/**
 * Reading the chain with binary COPY: the chain id reaches the COPY text only as an escaped
 * literal, and verification that stops early (damage found) still leaves the transaction's
 * connection usable for the statements after the COPY.
 */
import { describe, expect, it } from 'vitest';
import { superuser, useControlDb } from '../../test/support/control-db.js';
import { SYSTEM } from '../lib/context.js';
import { verifyStoredChain } from './verify.db.js';

const control = useControlDb({ checkpoints: { everyEvents: 1_000_000, everyMs: 86_400_000 } });

const verify = (chain: string) => verifyStoredChain(control.db, chain, control.signer.publicKeyPem);

async function chainOf(chain: string, n: number): Promise<void> {
  const event = (i: number) => ({
    action: 'project.cluster.restart' as const,
    chain,
    target: { type: 'project' as const, id: 'prj_aaaaaaaaaaaaaaaa' },
    details: { reason: `exit ${i}`, note: 'x'.repeat(200) },
  });
  // Stored one a row (audit_events), so the damage below can be made by moving rows.
  for (let at = 1; at <= n; at += 1000)
    await control.audit.record(
      SYSTEM,
      Array.from({ length: Math.min(1000, n - at + 1) }, (_, k) => event(at + k)),
    );
}

describe('verification read through binary COPY', () => {
  it('reads a chain id with quotes and backslashes as one literal', async () => {
    await chainOf('org_vcopy', 30);
    for (const chain of ["org_vcopy' OR '1'='1", "org_vcopy\\' OR true --", 'org_vcopy\\'])
      expect(await verify(chain)).toMatchObject({ ok: true, chain, events: 0 });
    expect(await verify('org_vcopy')).toMatchObject({ ok: true, events: 30 });
  });

  it('stops at early damage in a long chain and still asks its next questions on the same snapshot', async () => {
    await chainOf('org_vearly', 30_000);
    // Events 14 and 15 swapped: judging them needs a query after the COPY was left at event 14.
    await superuser(
      control,
      (c) =>
        c.query(`ALTER TABLE ward.audit_events DROP CONSTRAINT audit_events_columns_match;
       UPDATE ward.audit_events SET seq = -14 WHERE chain_id = 'org_vearly' AND seq = 14;
       UPDATE ward.audit_events SET seq = 14 WHERE chain_id = 'org_vearly' AND seq = 15;
       UPDATE ward.audit_events SET seq = 15 WHERE chain_id = 'org_vearly' AND seq = -14`),
      { replica: true },
    );
    const report = {
      ok: false,
      first_bad_seq: 14,
      damage: 'reordered',
      detail: 'event 14 is intact but links to another event than 13: events were moved',
    };
    expect(await verify('org_vearly')).toMatchObject(report);
    // The pool's connections are all still usable, and a second run gives the same answer.
    await Promise.all(
      Array.from({ length: 25 }, () => control.db.selectFrom('audit_chains').select('id').execute()),
    );
    expect(await verify('org_vearly')).toMatchObject(report);
  });
});
