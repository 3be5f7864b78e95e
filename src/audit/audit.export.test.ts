/**
 * An export is read in one snapshot with a binary COPY and written in blocks of lines, and its
 * lines are byte for byte what they were when each was built from a row read by Kysely: every
 * event line, plain and OCSF, matches that reference, checkpoints sit right after the event they
 * end at, both files verify offline, and an export abandoned part-way gives its connection back.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWard, type TestWard } from '../../test/support/ward.js';
import { checkpointFromRow, verifyExportFile } from '../evidence/index.js';
import type { RequestContext } from '../lib/context.js';
import { eventView } from './audit.reads.js';
import { ocsfLine } from './ocsf.js';

let w: TestWard;
beforeAll(async () => {
  w = await startTestWard({
    audit: { checkpoint_every_events: 1_000_000, checkpoint_every_seconds: 86_400 },
  });
});
afterAll(() => w?.stop());

const CHAIN = 'org_vexportaaaaaaaaa';
const as = (id: string, ip?: string): RequestContext =>
  Object.freeze({
    actor: Object.freeze({ type: 'user', id, email: `${id}@acme.test`, operator: false, token_id: 'tok_x' }),
    ...(ip ? { ip } : {}),
  }) as RequestContext;
/**
 * Text JSON has to escape, and text it must leave alone (U+2028, astral characters, accents). Not
 * NUL: PostgreSQL's JSON refuses \u0000, so no record holds one.
 */
const awkward = (i: number) =>
  `exit ${i} "quoted" back\\slash tab\t nl\n soh\u0001 bell\u0007 \u2028\u2029 é 😀 ${'x'.repeat(i % 700)}`;

async function fill() {
  const { audit, checkpointer } = w.ward.services;
  for (let round = 0; round < 6; round++) {
    await audit.append(
      as(`usr_vexport${round}aaaaaaa`, round % 2 ? '10.0.0.1' : undefined),
      Array.from({ length: 80 }, (_, i) => ({
        action: 'project.cluster.restart' as const,
        chain: CHAIN,
        outcome: i % 7 === 0 ? ('failure' as const) : ('success' as const),
        target: { type: 'project' as const, id: 'prj_vexportaaaaaaaaa', name: `records ${awkward(i)}` },
        details: { reason: awkward(round * 80 + i) },
      })),
    );
    await audit.append(as('usr_vexportdbaaaaaaa', '10.0.0.2'), [
      {
        action: 'db.statement' as const,
        chain: CHAIN,
        target: { type: 'project' as const, id: 'prj_vexportaaaaaaaaa' },
        details: {
          session_id: 'ses_x',
          seq: round,
          protocol: 'simple' as const,
          statement: `SELECT '${awkward(round)}'`,
          fingerprint: null,
          command: 'SELECT',
          text_id: null,
          tls: null,
        },
      },
    ]);
    // Checkpoints inside the export, not only at its end.
    if (round % 2 === 0) await checkpointer.checkpoint(CHAIN, true);
  }
  await checkpointer.checkpoint(CHAIN, true);
  return (await checkpointer.latest(CHAIN))?.tree_size ?? 0;
}

/** The export's lines as they were built before: from rows read by Kysely, one at a time. */
async function reference(format: 'jsonl' | 'ocsf', upTo: number): Promise<string[]> {
  const { db } = w.ward.services;
  // Both tables of the log: the view decodes the batches in SQL, independently of the export's reader.
  const rows = await db
    .selectFrom('audit_log')
    .select(['seq', 'body', 'prev_hash', 'hash'])
    .where('chain_id', '=', CHAIN)
    .where('seq', '<=', upTo)
    .orderBy('seq')
    .execute();
  const checkpoints = (
    await db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('chain_id', '=', CHAIN)
      .where('tree_size', '<=', upTo)
      .orderBy('tree_size')
      .execute()
  ).map(checkpointFromRow);
  const lines: string[] = [];
  for (const r of rows) {
    const ward = {
      seq: Number(r.seq),
      body: r.body,
      prev_hash: r.prev_hash.toString('hex'),
      hash: r.hash.toString('hex'),
    };
    // ocsf.test.ts checks ocsfLine against the OCSF mapping as it was built before, as an object.
    lines.push(format === 'ocsf' ? ocsfLine(eventView(r), ward) : JSON.stringify({ type: 'event', ...ward }));
    for (const c of checkpoints.filter((c) => c.tree_size === ward.seq))
      lines.push(JSON.stringify({ type: 'checkpoint', ...c }));
  }
  return lines;
}

async function blocksOf(format: 'jsonl' | 'ocsf', upTo: number): Promise<Buffer[]> {
  const blocks: Buffer[] = [];
  for await (const block of w.ward.services.auditReader.exportLines(CHAIN, format, upTo)) blocks.push(block);
  return blocks;
}

describe('an export', () => {
  it('writes the lines it always wrote, in blocks of whole lines, and verifies offline', async () => {
    const upTo = await fill();
    expect(upTo).toBe(486);
    for (const format of ['jsonl', 'ocsf'] as const) {
      const blocks = await blocksOf(format, upTo);
      // A few large blocks of whole lines, not a write per line.
      expect(blocks.length).toBeGreaterThan(2);
      for (const b of blocks) expect(b.at(-1)).toBe(0x0a);
      for (const b of blocks.slice(0, -1)) expect(b.length).toBeGreaterThanOrEqual(64 * 1024);
      const text = Buffer.concat(blocks).toString('utf8');
      const [header, ...lines] = text.slice(0, -1).split('\n');
      expect(JSON.parse(header as string)).toMatchObject({
        type: 'header',
        format: 'ward-audit-export/v1',
        event_format: format,
        chain: CHAIN,
        up_to_seq: upTo,
        key_id: w.ward.services.signer.keyId,
        anchor: null,
      });
      const expected = await reference(format, upTo);
      expect(lines).toHaveLength(expected.length);
      expect(blocks.length).toBeLessThan(lines.length / 20);
      for (let i = 0; i < lines.length; i++) expect(lines[i], `line ${i + 2}`).toBe(expected[i]);
      expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ type: 'checkpoint', tree_size: upTo });

      const file = join(w.home, `export.${format}`);
      await writeFile(file, text);
      expect(await verifyExportFile(file, w.ward.services.signer.publicKeyPem)).toMatchObject({
        ok: true,
        events: upTo,
        checkpoints: 4,
      });
    }
  });

  it('gives its connection back when abandoned part-way', async () => {
    const { auditReader, checkpointer } = w.ward.services;
    const upTo = (await checkpointer.latest(CHAIN))?.tree_size ?? 0;
    // More abandoned exports than the pool has connections: a leaked one would starve the rest.
    for (let i = 0; i < 25; i++) {
      const blocks = auditReader.exportLines(CHAIN, 'jsonl', upTo)[Symbol.asyncIterator]();
      expect((await blocks.next()).done).toBe(false);
      await blocks.return?.();
    }
    expect(await auditReader.verify(CHAIN)).toMatchObject({ ok: true });
    const again = Buffer.concat(await blocksOf('ocsf', upTo))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    expect(JSON.parse(again.at(-1) as string)).toMatchObject({ type: 'checkpoint', tree_size: upTo });
  });
});
