/**
 * The subject index is written after its batches commit (ADR 0038), so a crash between the two
 * must lose nothing: at start Ward reads the batches after each chain's cursor and indexes what
 * their events hold. Here the index rows and the cursor are taken back as if the rows had never
 * been written, and the catch-up writes exactly the same rows again.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let chain: string;
const PROJECT = 'prj_recoveryrecoveryre';

beforeAll(async () => {
  w = await startTestWard();
  const alice = await w.user('alice@acme.test');
  chain = (await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } })).body.id;
});
afterAll(() => w?.stop());

async function asOwner<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const su = new pg.Client({ host: join(w.home, 'control', 'run'), user: 'ward_admin', database: 'ward' });
  await su.connect();
  try {
    return await work(su);
  } finally {
    await su.end();
  }
}

const rows = () =>
  asOwner(async (c) =>
    (
      await c.query(
        `SELECT encode(token, 'hex') AS token, project_id, first_seq::int, time_from
           FROM ward.subject_index WHERE chain_id = $1 ORDER BY first_seq, token`,
        [chain],
      )
    ).rows.map((r) => JSON.stringify(r)),
  );

describe('the subject index after a crash', () => {
  it('is rebuilt from the batches after the cursor, row for row', async () => {
    const { audit } = w.ward.services;
    const ctx = Object.freeze({ actor: Object.freeze({ type: 'system', id: 'recovery-test' }) });
    for (let round = 0; round < 3; round++) {
      const specs = Array.from({ length: 4 }, (_, i) => {
        const tokens = Buffer.concat(
          [`a${round}${i}`, `b${i}`].map((v) => createHash('sha256').update(v).digest().subarray(0, 16)),
        );
        const returned = i % 2 === 1;
        return {
          action: returned ? 'db.statement.result' : 'db.statement',
          chain,
          target: { type: 'project', id: PROJECT, name: 'records' },
          subjects: { project: PROJECT, tokens },
          details: {
            session_id: 'dbs_recovery',
            seq: i,
            subjects: returned
              ? { returned: tokens.toString('base64') }
              : { named: tokens.toString('base64') },
          },
        };
      });
      await audit.append(ctx as never, specs as never);
    }
    await audit.subjectIndex.settled();
    const written = await rows();
    expect(written.length).toBeGreaterThanOrEqual(5);

    await asOwner(async (c) => {
      await c.query('DELETE FROM ward.subject_index WHERE chain_id = $1', [chain]);
      await c.query('UPDATE ward.subject_index_cursor SET first_seq = 0 WHERE chain_id = $1', [chain]);
    });
    expect(await rows()).toEqual([]);
    await audit.subjectIndex.catchUp();
    expect(await rows()).toEqual(written);
    // A second start finds nothing more to index.
    expect(await audit.subjectIndex.catchUp()).toBe(0);
    expect(await rows()).toEqual(written);
  });
});
