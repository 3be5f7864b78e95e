/**
 * The business associate set at runtime, against a real Ward started without one in ward.yaml:
 * no BAA renders until the operator names it, and the refusal says how; only the operator reads
 * or sets it, with bounded input; each change is on the operator's chain with what it replaced;
 * the next BAA names it at once, without a restart. Then the same through the built `ward`
 * binary: show, set, --help, and one `ward: …` line for a mistake.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failsWith, type Run, runWard } from './support/cli.js';
import { eventsOf } from './support/hipaa.js';
import { startTestWard, type TestWard } from './support/ward.js';

const PATH = '/api/v1/operator/business-associate';

let w: TestWard;
let dir: string;
let admin: string;
let alice: string; // owner of acme

beforeAll(async () => {
  w = await startTestWard();
  dir = await mkdtemp(join(tmpdir(), 'ward-cli-operator-'));
  admin = await w.adminToken();
  alice = await w.user('alice@acme.test');
  await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } });
  await w.request('PATCH', '/api/v1/orgs/acme', { token: admin, body: { plan: 'enterprise' } });
  await w.request('PATCH', '/api/v1/orgs/acme', {
    token: alice,
    body: { settings: { legal_name: 'Acme Health, Inc.', address: '12 Main St, Boston' } },
  });
});
afterAll(async () => {
  await w?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const renderBaa = () => w.request('POST', '/api/v1/orgs/acme/baa', { token: alice });
const setAs = (token: string, body: unknown) => w.request('PUT', PATH, { token, body });

describe('the business associate, through the API', () => {
  it('is unset, and the BAA is refused with how the operator sets it', async () => {
    const r = await w.request('GET', PATH, { token: admin });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      legal_name: null,
      address: null,
      source: 'none',
      updated_at: null,
      updated_by: null,
    });
    const refused = await renderBaa();
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/^the operator has not named the business associate/);
    expect(refused.body.error.message).toContain(
      '`ward operator business-associate set --legal-name … --address …`, PUT /api/v1/operator/business-associate',
    );
  });

  it('is read and set by the operator only', async () => {
    for (const r of [
      await w.request('GET', PATH, { token: alice }),
      await setAs(alice, { legal_name: 'Alice Hosting', address: '1 Alice Way' }),
    ]) {
      expect(r.status).toBe(403);
      expect(r.body.error.message).toMatch(/^only the operator can see and set the business associate/);
    }
    expect((await w.request('GET', PATH, { token: admin })).body.source).toBe('none');
  });

  it('refuses bad input with what is wrong', async () => {
    const cases: [unknown, RegExp][] = [
      [{ legal_name: '   ', address: '1 Way' }, /body\.legal_name: the legal name is required/],
      [{ legal_name: 'W'.repeat(201), address: '1 Way' }, /body\.legal_name: the legal name is at most 200/],
      [{ legal_name: 'Ward', address: 'a'.repeat(501) }, /body\.address: the address is at most 500/],
      [
        { legal_name: 'Ward\u0007 LLC', address: '1 Way' },
        /the legal name must not contain control characters/,
      ],
      [{ legal_name: 'Ward\nLLC', address: '1 Way' }, /the legal name must not contain control characters/],
      [{ legal_name: 'Ward' }, /body\.address/],
      [{ legal_name: 'Ward', address: '1 Way', city: 'x' }, /city/],
    ];
    for (const [body, message] of cases) {
      const r = await setAs(admin, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message).toMatch(message);
    }
    expect((await w.request('GET', PATH, { token: admin })).body.source).toBe('none');
  });

  it('takes effect at once: the next BAA names it, and the change is on the operator chain', async () => {
    const r = await setAs(admin, {
      legal_name: '  Ward Hosting LLC ',
      address: '1 Operator Way\nSpringfield',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      legal_name: 'Ward Hosting LLC',
      address: '1 Operator Way\nSpringfield',
      source: 'runtime',
      updated_by: 'admin@localhost',
    });
    expect((await w.request('GET', PATH, { token: admin })).body).toEqual(r.body);

    const first = await renderBaa();
    expect(first.status).toBe(200);
    expect(first.body.document).toContain(
      'Ward Hosting LLC,\n1 Operator Way, Springfield ("Business Associate")',
    );

    await setAs(admin, { legal_name: 'Ward Cloud Inc.', address: '2 Operator Way, Springfield' });
    const second = await renderBaa();
    expect(second.body.document).toContain(
      'Ward Cloud Inc.,\n2 Operator Way, Springfield ("Business Associate")',
    );
    expect(second.body.document_sha256).not.toBe(first.body.document_sha256);

    const events = await eventsOf(w, 'operator', 'business.associate.update');
    expect(events.map((e) => e.outcome)).toEqual(['success', 'success']);
    expect(events[0]).toMatchObject({
      actor: { type: 'user', email: 'admin@localhost', operator: true },
      target: { type: 'system', id: 'business_associate', name: 'Ward Hosting LLC' },
      details: { legal_name: 'Ward Hosting LLC', address: '1 Operator Way\nSpringfield', previous: null },
    });
    expect(events[1]?.details).toEqual({
      legal_name: 'Ward Cloud Inc.',
      address: '2 Operator Way, Springfield',
      previous: { legal_name: 'Ward Hosting LLC', address: '1 Operator Way\nSpringfield', source: 'runtime' },
    });
  });
});

describe('ward operator business-associate', () => {
  const ward = (token: string, ...args: string[]) =>
    runWard(args, { url: w.url, configDir: dir }, { env: { WARD_TOKEN: token } });
  const ok = (r: Run): string => {
    expect(r.stderr, r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  };

  it('shows and sets it, effective for the next BAA', async () => {
    const shown = ok(await ward(admin, 'operator', 'business-associate', 'show'));
    expect(shown).toMatch(/^legal name {2}Ward Cloud Inc\.$/m);
    expect(shown).toMatch(/^source {6}set at runtime \(wins over ward\.yaml\)$/m);
    expect(shown).toMatch(/^updated {5}\S+ by admin@localhost$/m);

    const set = ok(
      await ward(
        admin,
        'operator',
        'business-associate',
        'set',
        '--legal-name',
        'Ward CLI Hosting LLC',
        '--address',
        '9 Command Line, Springfield',
      ),
    );
    expect(set).toBe('The business associate is now Ward CLI Hosting LLC, 9 Command Line, Springfield\n');
    const json = JSON.parse(ok(await ward(admin, 'operator', 'business-associate', 'show', '--json')));
    expect(json).toMatchObject({ legal_name: 'Ward CLI Hosting LLC', source: 'runtime' });
    expect((await renderBaa()).body.document).toContain(
      'Ward CLI Hosting LLC,\n9 Command Line, Springfield ("Business Associate")',
    );
  });

  it('explains itself in --help', async () => {
    const help = ok(await ward(admin, 'operator', 'business-associate', 'set', '--help'));
    expect(help).toContain('--legal-name <name>');
    expect(help).toContain('--address <address>');
    expect(help).toMatch(/next BAA rendered carries it/);
  });

  it('fails with one line and a non-zero exit on a mistake', async () => {
    failsWith(
      await ward(admin, 'operator', 'business-associate', 'set', '--legal-name', 'Ward'),
      /^ward: --address is needed: ward operator business-associate set --legal-name/,
      { quiet: true },
    );
    failsWith(
      await ward(admin, 'operator', 'business-associate', 'set', '--legal-name', ' ', '--address', 'x'),
      /body\.legal_name: the legal name is required/,
      { quiet: true },
    );
    failsWith(
      await ward(alice, 'operator', 'business-associate', 'show'),
      /only the operator can see and set the business associate/,
      { quiet: true },
    );
    expect((await w.request('GET', PATH, { token: admin })).body.legal_name).toBe('Ward CLI Hosting LLC');
  });
});
