/**
 * `ward incident …` against a real Ward with the built binary: create, who knew when, affected
 * counts, assessment from a file, holds (an undocumented one refused with one line), obligations
 * as a table and as JSON, notices drafted, refused while incomplete, completed, sent and saved as
 * a PDF, and an evidence packet saved as PDF + JSON that `ward incident verify-packet` checks
 * offline, exiting 1 with one line once a byte changes.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../src/incidents/index.js';
import { failsWith, type Run, runWard } from './support/cli.js';
import { startTestWard, type TestWard } from './support/ward.js';

let w: TestWard;
let dir: string;
let token: string;
const today = new Date().toISOString().slice(0, 10);
const discovered = addDays(today, -10);

const ward = (args: string[]) =>
  runWard(args, { url: w.url, configDir: dir }, { env: { WARD_TOKEN: token } });
function succeeded(r: Run): string {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  w = await startTestWard();
  dir = await mkdtemp(join(tmpdir(), 'ward-cli-incidents-'));
  token = await w.user('owner@acme.test', { name: 'Owner' });
  const r = await w.request('POST', '/api/v1/orgs', { token, body: { name: 'acme' } });
  expect(r.status).toBe(201);
}, 120_000);
afterAll(async () => {
  await w?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('ward incident', () => {
  let id: string;
  let notice: string;

  it('records an incident and who knew when', async () => {
    const out = succeeded(
      await ward([
        'incident',
        'create',
        '--org',
        'acme',
        '--title',
        'Lost laptop',
        '--reported-by',
        'IT desk',
        '--occurred-from',
        addDays(today, -12),
        '--owner',
        'owner@acme.test',
      ]),
    );
    id = /Incident (inc_[a-z2-7]{16}) recorded/.exec(out)?.[1] as string;
    expect(id).toBeDefined();
    expect(
      succeeded(
        await ward([
          'incident',
          'know',
          id,
          '--org',
          'acme',
          '--person',
          'Sam',
          '--relation',
          'workforce',
          '--known-on',
          discovered,
        ]),
      ),
    ).toContain(`Discovered: ${discovered}`);
    failsWith(
      await ward([
        'incident',
        'know',
        id,
        '--org',
        'acme',
        '--person',
        'Sam',
        '--relation',
        'boss',
        '--known-on',
        discovered,
      ]),
      /relation/,
    );
  });

  it('computes obligations from counts per State, as a table and as JSON', async () => {
    succeeded(
      await ward([
        'incident',
        'update',
        id,
        '--org',
        'acme',
        '--affected',
        'MA=600,RI=3',
        '--insufficient-contact',
        '4',
        '--status',
        'notifying',
      ]),
    );
    const table = succeeded(await ward(['incident', 'obligations', id, '--org', 'acme']));
    expect(table).toContain('media:MA');
    expect(table).toContain('164.404(d)(2)(i)');
    const json = JSON.parse(
      succeeded(await ward(['incident', 'obligations', id, '--org', 'acme', '--json'])),
    );
    expect(json.obligations.find((o: { id: string }) => o.id === 'individuals')).toMatchObject({
      deadline: addDays(discovered, 60),
      days_left: 50,
    });
    failsWith(await ward(['incident', 'update', id, '--org', 'acme', '--affected', 'MA']), /STATE=COUNT/);
  });

  it('records the assessment from a file and refuses an undocumented hold', async () => {
    const file = join(dir, 'assessment.json');
    await writeFile(file, JSON.stringify({ factors: {}, unsecured: true }));
    expect(succeeded(await ward(['incident', 'assess', id, '--org', 'acme', '--file', file]))).toContain(
      'Determination: breach',
    );
    failsWith(
      await ward([
        'incident',
        'hold',
        id,
        '--org',
        'acme',
        '--kind',
        'oral',
        '--stated-on',
        addDays(today, -30),
        '--agency',
        'Police',
        '--statement',
        'wait',
      ]),
      /official_name/,
    );
    expect(
      succeeded(
        await ward([
          'incident',
          'hold',
          id,
          '--org',
          'acme',
          '--kind',
          'oral',
          '--stated-on',
          addDays(today, -40),
          '--agency',
          'Police',
          '--official',
          'Sgt. Lee',
          '--statement',
          'wait',
        ]),
      ),
    ).toContain(`through ${addDays(today, -10)}`);
  });

  it('drafts a notice, refuses to send it incomplete, sends it complete and saves its letter', async () => {
    const drafted = succeeded(
      await ward(['incident', 'notice', 'draft', id, '--org', 'acme', '--kind', 'individual']),
    );
    notice = /Notice (ltr_[a-z2-7]{16})/.exec(drafted)?.[1] as string;
    expect(drafted).toContain('Missing before it can be sent');
    failsWith(
      await ward(['incident', 'notice', 'sent', id, notice, '--org', 'acme', '--via', 'mail']),
      /required content is missing: description/,
    );
    const content = join(dir, 'content.json');
    await writeFile(
      content,
      JSON.stringify({
        description: 'A laptop with an unencrypted export was left on a train.',
        phi_types: ['names', 'dates of birth'],
        steps: 'Watch your explanation of benefits statements.',
        org_actions: 'We encrypted every laptop and retrained staff.',
        contact: { toll_free: '1-800-555-0199' },
      }),
    );
    expect(
      succeeded(await ward(['incident', 'notice', 'update', id, notice, '--org', 'acme', '--file', content])),
    ).toContain('Ready to send');
    expect(
      succeeded(await ward(['incident', 'notice', 'sent', id, notice, '--org', 'acme', '--via', 'email'])),
    ).toContain('by email');
    const pdf = join(dir, 'letter.pdf');
    succeeded(await ward(['incident', 'notice', 'pdf', id, notice, '--org', 'acme', '--out', pdf]));
    expect((await readFile(pdf)).subarray(0, 5).toString()).toBe('%PDF-');
    const shown = succeeded(await ward(['incident', 'show', id, '--org', 'acme']));
    expect(shown).toContain('by email');
    expect(succeeded(await ward(['incident', 'list', '--org', 'acme']))).toContain('Lost laptop');
  });

  it('saves a signed packet and verifies it offline', async () => {
    const pdf = join(dir, 'inc.pdf');
    const out = succeeded(await ward(['incident', 'packet', id, '--org', 'acme', '--out', pdf]));
    expect(out).toContain('inc.json');
    const key = join(dir, 'ward.pem');
    await writeFile(key, succeeded(await ward(['audit', 'public-key'])));
    const ok = succeeded(
      await ward(['incident', 'verify-packet', join(dir, 'inc.json'), '--public-key', key]),
    );
    expect(ok).toContain(`of incident ${id} (Lost laptop)`);
    expect(ok).toContain('sent');
    expect(ok).toContain('the key you gave with --public-key');
    const file = JSON.parse(await readFile(join(dir, 'inc.json'), 'utf8'));
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({ ...file, document: file.document.replace('Lost laptop', 'Lost laptoq') }),
    );
    failsWith(
      await ward(['incident', 'verify-packet', join(dir, 'bad.json'), '--public-key', key]),
      /does not verify: the signature does not verify/,
    );
  });
});
