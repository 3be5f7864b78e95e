/**
 * Accounting of access across the upgrade that moved subject tokens into the batch rows
 * (migration 0079, ADR 0038): an installation whose batches were indexed one `subject_index` row
 * per token (migrations up to 0078) is upgraded in place; statements written after it keep their
 * tokens in their batch's row. The lookup `who-read` starts from finds both, in the project asked
 * about only, and no batch twice.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchesReaching } from '../src/accounting/subjects.store.js';
import { type AuditService, createAuditService, sealerFor } from '../src/audit/index.js';
import { type Db, grantRuntimeRole, migrate } from '../src/db/index.js';
import { SYSTEM } from '../src/lib/context.js';
import { databaseAt, type OldDatabase, useControlDb } from './support/control-db.js';

const control = useControlDb({ checkpoints: { everyEvents: 1_000_000, everyMs: 86_400_000 } });
const CHAIN = 'org_accountingupgrade';
const RECORDS = 'prj_recordsrecordsre';
const BILLING = 'prj_billingbillingbi';
const LAST_BEFORE = '0078';
const token = (s: string) => createHash('sha256').update(s).digest().subarray(0, 16);
const [ALICE, BOB, CAROL] = [token('alice'), token('bob'), token('carol')];

let old: OldDatabase;
let owner: Db;
let app: Db;
let audit: AuditService;

beforeAll(async () => {
  old = await databaseAt(control, 'ward_acct_upgrade', LAST_BEFORE);
  ({ owner, app } = old);
  expect(old.applied.at(-1)).toBe('0078_subject_index_purge');
  await grantRuntimeRole(owner, 'ward_app');
});

afterAll(async () => {
  await audit?.drain();
  await old?.close();
});

/** A statement that named the subject of `token` in `project`, as the gateway hands it to the writer. */
const statement = (project: string, seq: number, token: Buffer) => ({
  action: 'db.statement' as const,
  chain: CHAIN,
  target: { type: 'project' as const, id: project, name: 'records' },
  subjectTokens: [token],
  details: {
    session_id: 'dbs_acctupgradeacctup',
    seq,
    statement: 'SELECT * FROM patients WHERE mrn = $1',
    subjects: { named: token.toString('base64'), count: 1, role: 'readonly' },
  },
});

describe('accounting of access across the upgrade to tokens in batch rows', () => {
  it('finds the batches indexed before it and those written after, per project', async () => {
    // Before: the chain's first events, and the index rows Ward up to 0078 wrote beside the
    // batches of seq 1 and 3 (one per token and project).
    audit = createAuditService({ db: app, sealer: sealerFor(control.signer) });
    for (let i = 1; i <= 4; i++)
      await audit.record(SYSTEM, [
        {
          action: 'project.cluster.restart',
          chain: CHAIN,
          target: { type: 'project', id: RECORDS },
          details: { reason: `exit ${i}` },
        },
      ]);
    const before = new Date(Date.now() - 60_000);
    await sql`INSERT INTO subject_index (chain_id, token, project_id, first_seq, time_from)
              VALUES (${CHAIN}, ${ALICE}, ${RECORDS}, 1, ${before}), (${CHAIN}, ${BOB}, ${RECORDS}, 1, ${before}),
                     (${CHAIN}, ${BOB}, ${BILLING}, 3, ${before})`.execute(owner);

    const applied = await migrate(owner);
    expect(applied).toEqual(['0079_subject_tokens_in_batches', '0080_batch_event_index']);
    await grantRuntimeRole(owner, 'ward_app');

    // After: one batch of three statements (alice and carol in records, bob in billing), then
    // one of a statement in records that named nobody.
    await audit.append(SYSTEM, [
      statement(RECORDS, 1, ALICE),
      statement(RECORDS, 2, CAROL),
      statement(BILLING, 3, BOB),
    ] as never);
    const { rows } = await sql<{ first_seq: string; time_from: Date; tokens: number }>`
      SELECT first_seq, time_from, cardinality(subject_tokens) AS tokens FROM audit_batches
       WHERE chain_id = ${CHAIN} ORDER BY first_seq`.execute(app);
    expect(rows.map((r) => [Number(r.first_seq), r.tokens])).toEqual([[5, 3]]);
    const after = rows[0] as { first_seq: string; time_from: Date };
    await audit.append(SYSTEM, [{ ...statement(RECORDS, 4, ALICE), subjectTokens: undefined }] as never);

    const from = new Date(Date.now() - 3_600_000);
    const to = new Date(Date.now() + 1_000);
    const reaching = async (project: string, tokens: Buffer[]) =>
      (await batchesReaching(app, CHAIN, project, tokens, from, to)).map((b) => Number(b.first_seq));
    expect(await reaching(RECORDS, [ALICE])).toEqual([1, Number(after.first_seq)]);
    expect(await reaching(RECORDS, [CAROL])).toEqual([Number(after.first_seq)]);
    // Bob was read in billing before and after, and in records before. The new batch holds
    // records' statements too, so it is a candidate for him there: a batch's keys only narrow,
    // and who-read matches each event it decodes to the project.
    expect(await reaching(BILLING, [BOB])).toEqual([3, Number(after.first_seq)]);
    expect(await reaching(RECORDS, [BOB])).toEqual([1, Number(after.first_seq)]);
    expect(await reaching(BILLING, [ALICE])).toEqual([Number(after.first_seq)]);
    // Two tokens of one identifier (two case rules) that both hit a batch find it once.
    expect(await reaching(RECORDS, [ALICE, BOB])).toEqual([1, Number(after.first_seq)]);
    expect(await reaching(RECORDS, [token('dave')])).toEqual([]);
    // Another chain's batches are not this one's, though the token is the same bytes.
    expect(await batchesReaching(app, 'org_someoneelse', RECORDS, [ALICE], from, to)).toEqual([]);
    // The window bounds both: one that ends before the new batch finds only the old rows.
    const early = await batchesReaching(app, CHAIN, RECORDS, [ALICE], from, new Date(before.getTime() + 1));
    expect(early.map((b) => Number(b.first_seq))).toEqual([1]);
  });
});
