/**
 * Helpers for the HIPAA tests: a Ward whose operator has named the business associate (so BAAs
 * render) and whose HIPAA deletion grace period is seconds, people with two-step verification
 * (HIPAA orgs require it), taking an org through plan → BAA → countersignature, and reading
 * audit events.
 */
import { currentTotp } from '../../src/identity/totp.js';
import { PASSWORD, startTestWard, type TestWard } from './ward.js';

export const BUSINESS_ASSOCIATE = { legal_name: 'Ward Hosting LLC', address: '1 Operator Way, Springfield' };

export function startHipaaWard(
  grace = '3s',
  env: NodeJS.ProcessEnv = {},
  overrides: Parameters<typeof startTestWard>[0] = {},
): Promise<TestWard> {
  return startTestWard(
    {
      ...overrides,
      business_associate: BUSINESS_ASSOCIATE,
      hipaa_deletion_grace: grace as unknown as number,
      // The encrypted projects' volume, small: tests that read every file under $WARD_HOME read it.
      encrypted_volume_gb: 1,
      regions: [
        { id: 'local', name: 'Local', type: 'standard', provider: 'local', storage_encryption: 'none' },
        {
          id: 'local-hipaa',
          name: 'Local HIPAA',
          type: 'hipaa',
          provider: 'local',
          storage_encryption: 'dm-crypt',
        },
      ],
    },
    env,
  );
}

/** An account with TOTP enrolled, signed in with a second factor (a recovery code). */
export async function mfaUser(w: TestWard, email: string, name?: string): Promise<string> {
  const first = await w.user(email, name ? { name } : {});
  const enrolled = await w.request('POST', '/api/v1/auth/mfa/totp', { token: first });
  if (enrolled.status !== 201) throw new Error(`enroll ${email}: ${JSON.stringify(enrolled.body)}`);
  const code = await currentTotp(enrolled.body.secret);
  const confirmed = await w.request('POST', '/api/v1/auth/mfa/totp/verify', { token: first, body: { code } });
  if (confirmed.status !== 200) throw new Error(`confirm ${email}: ${JSON.stringify(confirmed.body)}`);
  const codes: string[] = confirmed.body.recovery_codes;
  spareCodes.set(email, codes.slice(1));
  const r = await w.request('POST', '/api/v1/auth/login', {
    body: { email, password: PASSWORD, totp: codes[0] },
  });
  if (r.status !== 200) throw new Error(`login ${email}: ${JSON.stringify(r.body)}`);
  return r.body.token;
}

/** Unused recovery codes of the people mfaUser enrolled, to sign them in again. */
const spareCodes = new Map<string, string[]>();

/** One unused recovery code of someone mfaUser enrolled (a second factor for another sign-in). */
export function spareCode(email: string): string {
  const code = spareCodes.get(email)?.shift();
  if (!code) throw new Error(`no recovery code left for ${email}`);
  return code;
}

/** A console sign-in (session and CSRF cookies) for a browser, with a second factor if enrolled. */
export async function cookieSession(w: TestWard, email: string, password = PASSWORD) {
  const totp = spareCodes.get(email)?.shift();
  const res = await fetch(`${w.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, cookie: true, ...(totp ? { totp } : {}) }),
  });
  if (res.status !== 200) throw new Error(`console sign-in ${email}: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => {
    const [pair = ''] = c.split(';');
    const eq = pair.indexOf('=');
    return {
      name: pair.slice(0, eq),
      value: decodeURIComponent(pair.slice(eq + 1)),
      url: w.url,
      sameSite: 'Strict' as const,
      httpOnly: /httponly/i.test(c),
    };
  });
}

/** Takes `org` (owned by `owner`) to HIPAA enabled: plan, details, BAA signed and countersigned. */
export async function enableHipaa(w: TestWard, org: string, owner: string): Promise<void> {
  const admin = await w.adminToken();
  const step = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await w.request(method, path, { token, body });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  await step('PATCH', `/api/v1/orgs/${org}`, admin, { plan: 'enterprise' });
  await step('PATCH', `/api/v1/orgs/${org}`, owner, {
    settings: { legal_name: `${org} Health Inc.`, address: `1 ${org} Street, Boston` },
  });
  const doc = await step('POST', `/api/v1/orgs/${org}/baa`, owner);
  await step('POST', `/api/v1/orgs/${org}/baa/sign`, owner, {
    document_sha256: doc.document_sha256,
    name: 'Owner Person',
    title: 'CEO',
    accept: true,
  });
  await step('POST', `/api/v1/orgs/${org}/baa/countersign`, admin, {
    document_sha256: doc.document_sha256,
    name: 'Operator Person',
    title: 'Platform lead',
  });
}

/** Audit events of one action in one chain, oldest first. */
export async function eventsOf(w: TestWard, chain: string, action: string) {
  const rows = await w.ward.services.db
    .selectFrom('audit_log')
    .select(['action', 'outcome', 'body'])
    .where('chain_id', '=', chain)
    .where('action', '=', action)
    .orderBy('seq')
    .execute();
  // What an event says is its hashed record.
  return rows.map(({ body, ...r }) => {
    const e = JSON.parse(body);
    return { ...r, actor: e.actor, target: e.target, details: e.details };
  });
}
