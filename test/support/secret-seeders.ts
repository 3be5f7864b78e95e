/**
 * Every kind of secret Ward keeps, put into a running Ward through its real interfaces, for the
 * "no secret in clear" scan (test/secrets-at-rest.test.ts). Each seeder makes its secrets and
 * returns them; the scan then looks for each (as text, base64 and hex) in every text, bytea and
 * JSON column of the control database, every file under $WARD_HOME except the root key, and
 * Ward's log. A feature that stores a new kind of secret adds one seeder here.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import { currentTotp } from '../../src/identity/totp.js';
import { credentials, pgConfig } from './gateway.js';
import type { TestWard } from './ward.js';

export interface SeedContext {
  w: TestWard;
  /** An org with HIPAA enabled, its owner's session (with a second factor), a running HIPAA project. */
  org: string;
  owner: string;
  projectId: string;
}

export interface SecretSeeder {
  kind: string;
  seed(ctx: SeedContext): Promise<string[]>;
}

/** A random secret with a recognisable prefix, so a hit is never a coincidence. */
export const unique = (label: string) => `${label}-${randomBytes(12).toString('base64url')}`;

async function ok<T = any>(
  ctx: SeedContext,
  method: string,
  path: string,
  body?: unknown,
  token = ctx.owner,
) {
  const r = await ctx.w.request<T>(method, path, { token, body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A minimal OpenID Connect discovery document on loopback, enough for Ward to accept an issuer. */
async function discoveryServer(): Promise<{ issuer: string; close: () => void }> {
  const server = createServer((_req, res) => {
    const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    issuer: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => server.close(),
  };
}

export const SECRET_SEEDERS: SecretSeeder[] = [
  {
    kind: 'account password and session token (identity)',
    async seed({ w }) {
      const password = unique('password');
      const email = `seeded-${randomBytes(4).toString('hex')}@acme.test`;
      await w.request('POST', '/api/v1/users', {
        token: await w.adminToken(),
        body: { email, name: 'Seeded Person', password },
      });
      return [password, await w.login(email, password)];
    },
  },
  {
    kind: 'personal API token (identity)',
    async seed(ctx) {
      const t = await ok(ctx, 'POST', '/api/v1/tokens', { name: 'seeded', expires_in_days: 7 });
      return [t.token];
    },
  },
  {
    kind: 'TOTP secret and recovery codes (identity)',
    async seed({ w }) {
      const token = await w.user(`totp-${randomBytes(4).toString('hex')}@acme.test`);
      const enrolled = await w.request('POST', '/api/v1/auth/mfa/totp', { token });
      const confirmed = await w.request('POST', '/api/v1/auth/mfa/totp/verify', {
        token,
        body: { code: await currentTotp(enrolled.body.secret) },
      });
      return [enrolled.body.secret, ...confirmed.body.recovery_codes];
    },
  },
  {
    kind: 'service account token (access)',
    async seed(ctx) {
      const sa = await ok(ctx, 'POST', `/api/v1/orgs/${ctx.org}/service-accounts`, {
        name: 'ci',
        role: 'developer',
      });
      const t = await ok(ctx, 'POST', `/api/v1/orgs/${ctx.org}/service-accounts/${sa.id}/tokens`, {
        name: 'seeded',
        scopes: ['projects:read'],
        expires_in_days: 7,
      });
      return [t.token];
    },
  },
  {
    kind: 'SSO client secret (org settings, access)',
    async seed(ctx) {
      const idp = await discoveryServer();
      try {
        const secret = unique('sso-client-secret');
        await ok(ctx, 'PUT', `/api/v1/orgs/${ctx.org}/sso`, {
          issuer: idp.issuer,
          client_id: 'ward',
          client_secret: secret,
          email_domain: 'seeded-sso.test',
        });
        return [secret];
      } finally {
        idp.close();
      }
    },
  },
  {
    kind: 'security alert webhook secret (access)',
    async seed(ctx) {
      const r = await ok(ctx, 'PUT', `/api/v1/orgs/${ctx.org}/alert-webhook`, {
        url: 'https://127.0.0.1:9/alerts',
      });
      return [r.secret];
    },
  },
  {
    kind: 'audit sink webhook secret (audit)',
    async seed(ctx) {
      const r = await ok(ctx, 'POST', `/api/v1/orgs/${ctx.org}/audit-sinks`, {
        name: 'siem',
        kind: 'webhook',
        url: 'https://127.0.0.1:9/siem',
      });
      return [r.secret];
    },
  },
  {
    kind: 'attested compliance document (compliance)',
    async seed(ctx) {
      const content = unique('risk-analysis-finding');
      const reviewBy = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
      await ok(ctx, 'POST', `/api/v1/orgs/${ctx.org}/compliance/attestations`, {
        control: 'risk-analysis',
        statement: 'the annual risk analysis',
        file_name: 'risk-analysis.txt',
        content_type: 'text/plain',
        content_base64: Buffer.from(`Findings: ${content}\n`).toString('base64'),
        review_by: reviewBy,
      });
      return [content];
    },
  },
  {
    kind: 'database role password and statement literals through the gateway (gateway)',
    async seed(ctx) {
      const creds = await credentials(ctx.w, ctx.owner, ctx.projectId);
      const literal = unique('ssn-literal');
      const other = unique('mrn-literal');
      const client = new pg.Client(pgConfig(creds));
      await client.connect();
      try {
        await client.query(`SELECT '${literal}' AS patient`);
        await client.query('SELECT $1::text AS patient', [other]);
      } finally {
        await client.end();
      }
      return [creds.password, literal, other];
    },
  },
];
