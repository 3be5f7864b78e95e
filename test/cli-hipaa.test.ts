/**
 * The HIPAA commands of the built `ward` binary against a real Ward: the plan gate, `ward org
 * hipaa enable` showing and signing the BAA, the operator's countersignature, the PDF, HIPAA
 * projects, `ward keys rotate`, deletion with the export confirmation, undelete, and the
 * certificate of destruction. Tables and sentences for people, one `ward: …` line on error.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../src/lib/signing.js';
import { failsWith, type Run, runWard } from './support/cli.js';
import { mfaUser, startHipaaWard } from './support/hipaa.js';
import { pdfText } from './support/pdf-text.js';
import { eventually, type TestWard } from './support/ward.js';

let w: TestWard;
let dir: string;
let alice: string;
let admin: string;

const ward = (token: string, args: string[]) =>
  runWard(args, { url: w.url, configDir: dir }, { env: { WARD_TOKEN: token } });

const asAlice = (...args: string[]) => ward(alice, args);
const asOperator = (...args: string[]) => ward(admin, args);

function ok(r: Run): string {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  // A grace period long enough for delete, then undelete, as three CLI processes on a loaded machine.
  w = await startHipaaWard('10s');
  dir = await mkdtemp(join(tmpdir(), 'ward-cli-hipaa-'));
  alice = await mfaUser(w, 'alice@acme.test');
  admin = await w.adminToken();
});
afterAll(async () => {
  await w?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ward org hipaa', () => {
  let hash: string;

  it('says the enterprise plan is needed, then shows the BAA and how to sign it', async () => {
    ok(await asAlice('org', 'create', 'acme'));
    ok(
      await asAlice(
        'org',
        'set',
        'acme',
        '--legal-name',
        'Acme Health, Inc.',
        '--address',
        '12 Main St, Boston',
      ),
    );
    failsWith(
      await asAlice('org', 'hipaa', 'enable', 'acme'),
      /HIPAA needs the enterprise plan; 'acme' is on the basic plan/,
      { quiet: true },
    );
    ok(await asOperator('org', 'set-plan', 'acme', 'enterprise'));
    const shown = ok(await asAlice('org', 'hipaa', 'enable', 'acme'));
    expect(shown).toMatch(/^# Business Associate Agreement/);
    expect(shown).toContain('Acme Health, Inc., 12 Main St, Boston ("Covered Entity")');
    hash = /^SHA-256 ([0-9a-f]{64})$/m.exec(shown)?.[1] ?? '';
    expect(hash).toHaveLength(64);
    expect(shown).toContain(`To sign: ward org hipaa enable acme --sha256 ${hash} --name`);
    const out = join(dir, 'baa.md');
    expect(ok(await asAlice('org', 'baa', 'render', 'acme', '--out', out))).toContain(`SHA-256 ${hash}`);
    expect(await readFile(out, 'utf8')).toContain('Business Associate Agreement');
  });

  it('signs with --accept, refusing a hash that is not the current rendering', async () => {
    const sign = ['org', 'hipaa', 'enable', 'acme', '--name', 'Alice Smith', '--title', 'CEO', '--accept'];
    failsWith(
      await asAlice(...sign, '--sha256', 'ab'.repeat(32)),
      /is not the BAA as it reads for 'acme' now/,
      { quiet: true },
    );
    expect(ok(await asAlice(...sign, '--sha256', hash))).toBe(
      `Signed the BAA of acme (SHA-256 ${hash}). HIPAA is enabled when the operator countersigns it.\n`,
    );
    expect(ok(await asAlice('org', 'hipaa', 'status', 'acme'))).toMatch(
      /^next step\s+the BAA is signed; it waits for the operator's countersignature$/m,
    );
  });

  it('lets the operator see what waits, countersign once, and both download the PDF', async () => {
    const pending = ok(await asOperator('org', 'baa', 'pending'));
    expect(pending).toMatch(new RegExp(`│ acme │ Alice Smith, CEO │ .* │ ${hash} │`));
    failsWith(
      await asAlice('org', 'baa', 'countersign', 'acme', '--sha256', hash, '--name', 'A', '--title', 'B'),
      /only the operator/,
      { quiet: true },
    );
    const cs = [
      'org',
      'baa',
      'countersign',
      'acme',
      '--sha256',
      hash,
      '--name',
      'Olivia Operator',
      '--title',
      'Ops lead',
    ];
    expect(ok(await asOperator(...cs))).toBe(
      'Countersigned the BAA of acme: it is executed and HIPAA is enabled\n',
    );
    failsWith(await asOperator(...cs), /already countersigned/, { quiet: true });
    expect(ok(await asAlice('org', 'hipaa', 'status', 'acme'))).toMatch(/^hipaa\s+enabled$/m);
    expect(JSON.parse(ok(await asAlice('org', 'baa', 'show', 'acme', '--json')))).toMatchObject({
      status: 'executed',
    });
    const pdf = join(dir, 'baa.pdf');
    expect(ok(await asOperator('org', 'baa', 'download', 'acme', '--out', pdf))).toBe(
      `Saved the executed BAA of acme to ${pdf}\n`,
    );
    expect((await stat(pdf)).mode & 0o777).toBe(0o600);
    const text = pdfText(await readFile(pdf));
    for (const s of ['Alice Smith', 'Olivia Operator', hash]) expect(text).toContain(s);
  });
});

describe('HIPAA projects, keys and deletion', () => {
  let id: string;

  it('creates a HIPAA project, which keeps HIPAA on', async () => {
    const out = ok(
      await asAlice(
        'project',
        'create',
        '--org',
        'acme',
        '--name',
        'records',
        '--region',
        'local-hipaa',
        '--hipaa',
      ),
    );
    id = /\((prj_[a-z2-7]{16})\)/.exec(out)?.[1] ?? '';
    expect(out).toBe(`Project records (${id}) is running in local-hipaa\n`);
    failsWith(
      await asAlice('org', 'hipaa', 'disable', 'acme'),
      /'acme' has HIPAA projects, so HIPAA stays on: records \(running\)/,
      { quiet: true },
    );
    failsWith(
      await asAlice('project', 'set', 'records', '--org', 'acme', '--plaintext', 'allowed'),
      /HIPAA projects always require TLS, so 'records' cannot allow plaintext connections/,
      { quiet: true },
    );
    expect(ok(await asAlice('project', 'show', 'records', '--org', 'acme'))).toMatch(
      /^connections\s+TLS required$/m,
    );
    expect(ok(await asAlice('region', 'list'))).toMatch(
      /│ local-hipaa │ Local HIPAA │ hipaa\s+│ dm-crypt\s+│ (verified|declared|none)\s+│/,
    );
  });

  it('rotates the org key and lists keys', async () => {
    await w.ward.services.keys.encrypt(
      {
        type: 'project',
        projectId: id,
        orgId: JSON.parse(ok(await asAlice('org', 'show', 'acme', '--json'))).id,
      },
      'x',
      'test',
    );
    expect(ok(await asAlice('keys', 'rotate', '--org', 'acme'))).toMatch(
      /^Rotated the key of acme: key_[a-z2-7]{16} now wraps 1 project key\n$/,
    );
    const list = ok(await asAlice('keys', 'list', '--org', 'acme'));
    expect(list).toMatch(/│ key_[a-z2-7]{16} │ org\s+│ retired │/);
    expect(list).toMatch(/│ key_[a-z2-7]{16} │ project records │ active\s+│/);
  });

  it('deletes only with the export confirmation; undelete keeps it; then a certificate of destruction', async () => {
    failsWith(
      await asAlice('project', 'delete', 'records', '--org', 'acme'),
      /confirm that its audit log was exported/,
      { quiet: true },
    );
    const del = ok(await asAlice('project', 'delete', 'records', '--org', 'acme', '--audit-log-exported'));
    expect(del).toMatch(
      new RegExp(
        `^Project records \\(${id}\\) is deleted; its cluster and keys are destroyed after \\S+ unless you run: ward project undelete ${id}\\n$`,
      ),
    );
    expect(ok(await asAlice('project', 'undelete', 'records', '--org', 'acme'))).toBe(
      `Project records (${id}) is running again\n`,
    );
    ok(await asAlice('project', 'delete', id, '--audit-log-exported'));
    const certs = await eventually(async () => {
      const list = JSON.parse(ok(await asAlice('certificate', 'list', '--org', 'acme', '--json')));
      return list.length === 1 ? list : undefined;
    });
    expect(certs[0]).toMatchObject({ project_id: id, project_name: 'records' });
    const json = join(dir, 'cert.json');
    ok(await asAlice('certificate', 'download', id, '--org', 'acme', '--out', json));
    const cert = JSON.parse(await readFile(json, 'utf8'));
    expect(verifySignature(cert.public_key, cert.document, Buffer.from(cert.signature, 'base64'))).toBe(true);
    const pdf = join(dir, 'cert.pdf');
    ok(await asAlice('certificate', 'download', certs[0].id, '--org', 'acme', '--out', pdf));
    expect(pdfText(await readFile(pdf))).toContain(id);
    expect(ok(await asAlice('certificate', 'list', '--org', 'acme'))).toContain(`records (${id})`);
    failsWith(await asAlice('project', 'undelete', id), new RegExp(`no project '${id}'`), { quiet: true });
  });
});
