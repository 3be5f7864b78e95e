/**
 * @module access/sso/service
 * OpenID Connect single sign-on per org: an owner configures the provider (client secret
 * encrypted under the org's key) for the org's email domain, and may require it, after which
 * the org's members cannot sign in with a password. Signing in: the person gives their email,
 * Ward sends the browser to the domain's provider (state, nonce, PKCE; the verifier stays in a
 * cookie bound to this browser, only its digest and the nonce are kept, for ten minutes, used
 * once), and on the way back opens a session for the account with that verified email, if it
 * is a member of the org. The provider vouches for the second factor: an SSO session counts as
 * MFA (docs/adr/0021).
 */
import { sql } from 'kysely';
import type { AuditService } from '../../audit/index.js';
import type { Db } from '../../db/index.js';
import type { IdentityService } from '../../identity/index.js';
import type { KeyService } from '../../keys/index.js';
import type { RequestContext } from '../../lib/context.js';
import { conflict, invalid, notFound, unauthenticated } from '../../lib/errors.js';
import { safeEqual, sha256 } from '../../lib/secrets.js';
import type { OrgService } from '../../orgs/index.js';
import { authorize } from '../../policy/index.js';
import type { SsoBody } from '../access.schemas.js';
import { createOidcClient, newFlowSecrets } from './oidc.js';

const FLOW_MINUTES = 10;
const aad = (orgId: string) => `ward-sso-secret:${orgId}`;
export const callbackPath = '/api/v1/auth/sso/callback';

export function createSsoService(deps: {
  db: Db;
  audit: AuditService;
  keys: KeyService;
  orgs: OrgService;
  identity: IdentityService;
}) {
  const { db, audit, keys, orgs, identity } = deps;
  const oidc = createOidcClient();

  const row = (orgId: string) =>
    db.selectFrom('org_sso').selectAll().where('org_id', '=', orgId).executeTakeFirst();

  async function idpOf(r: { org_id: string; issuer: string; client_id: string; client_secret: Buffer }) {
    const secret = (await keys.decrypt(r.client_secret, aad(r.org_id))).toString('utf8');
    return { issuer: r.issuer, client_id: r.client_id, client_secret: secret };
  }

  const view = (r: NonNullable<Awaited<ReturnType<typeof row>>>, baseUrl: string) => ({
    issuer: r.issuer,
    client_id: r.client_id,
    email_domain: r.email_domain,
    require_sso: r.require_sso,
    redirect_uri: `${baseUrl}${callbackPath}`,
    updated_at: r.updated_at.toISOString(),
  });

  async function get(ctx: RequestContext, orgRef: string, baseUrl: string) {
    const a = await orgs.access(ctx, orgRef);
    authorize(ctx, a, 'sso.read');
    const r = await row(a.org.id);
    if (!r) throw notFound(`'${a.org.name}' has no single sign-on configured`);
    return view(r, baseUrl);
  }

  async function set(ctx: RequestContext, orgRef: string, body: SsoBody, baseUrl: string) {
    const a = await orgs.access(ctx, orgRef);
    const target = { type: 'sso' as const, id: a.org.id, name: body.issuer };
    const details = {
      issuer: body.issuer,
      client_id: body.client_id,
      email_domain: body.email_domain,
      require_sso: body.require_sso,
    };
    // Reach the provider before the transaction (no network call inside one), and only for
    // someone allowed to configure it; a refusal is recorded inside.
    let problem: unknown;
    try {
      authorize(ctx, a, 'sso.manage');
      problem = await oidc.check(body).then(
        () => undefined,
        (err: unknown) => err,
      );
    } catch {
      problem = undefined;
    }
    await audit.mutate(ctx, { action: 'sso.configure', chain: a.org.id, target, details }, async (tx) => {
      authorize(ctx, a, 'sso.manage');
      if (problem) throw problem;
      const taken = await tx
        .selectFrom('org_sso')
        .select('org_id')
        .where(sql`lower(email_domain)`, '=', body.email_domain)
        .where('org_id', '<>', a.org.id)
        .executeTakeFirst();
      if (taken)
        throw conflict(
          `the email domain '${body.email_domain}' already signs in through another organization`,
        );
      const sealed = await keys.encrypt(
        { type: 'org', orgId: a.org.id },
        body.client_secret,
        aad(a.org.id),
        tx,
      );
      const values = { ...details, client_secret: sealed, updated_at: new Date() };
      await tx
        .insertInto('org_sso')
        .values({ org_id: a.org.id, ...values })
        .onConflict((oc) => oc.column('org_id').doUpdateSet(values))
        .execute();
    });
    oidc.forget(a.org.id);
    return get(ctx, orgRef, baseUrl);
  }

  async function remove(ctx: RequestContext, orgRef: string) {
    const a = await orgs.access(ctx, orgRef);
    const target = { type: 'sso' as const, id: a.org.id };
    await audit.mutate(
      ctx,
      { action: 'sso.remove', chain: a.org.id, target, details: { issuer: '' } },
      async (tx, draft) => {
        authorize(ctx, a, 'sso.manage');
        const gone = await tx
          .deleteFrom('org_sso')
          .where('org_id', '=', a.org.id)
          .returning('issuer')
          .executeTakeFirst();
        if (!gone) throw notFound(`'${a.org.name}' has no single sign-on configured`);
        draft.details.issuer = gone.issuer;
      },
    );
    oidc.forget(a.org.id);
  }

  /** Where to send the browser for `email`, and the verifier the browser keeps meanwhile. */
  async function start(email: string, baseUrl: string): Promise<{ url: string; verifier: string }> {
    const domain = email.split('@').pop()?.toLowerCase() ?? '';
    const r = await db
      .selectFrom('org_sso')
      .selectAll()
      .where(sql`lower(email_domain)`, '=', domain)
      .executeTakeFirst();
    if (!r) throw notFound(`no organization signs in '${domain}' through single sign-on; use your password`);
    const flow = newFlowSecrets();
    await db.deleteFrom('sso_attempts').where('expires_at', '<', sql<Date>`now()`).execute();
    await db
      .insertInto('sso_attempts')
      .values({
        state_digest: sha256(flow.state),
        org_id: r.org_id,
        verifier_digest: sha256(flow.verifier),
        nonce: flow.nonce,
        expires_at: new Date(Date.now() + FLOW_MINUTES * 60_000),
      })
      .execute();
    const url = await oidc.authorizationUrl(r.org_id, await idpOf(r), {
      redirectUri: `${baseUrl}${callbackPath}`,
      state: flow.state,
      nonce: flow.nonce,
      verifier: flow.verifier,
      loginHint: email,
    });
    return { url: url.href, verifier: flow.verifier };
  }

  /** Completes a sign-in from the provider's redirect; returns the new session. */
  async function finish(ctx: RequestContext, currentUrl: URL, verifier: string | undefined) {
    const state = currentUrl.searchParams.get('state') ?? '';
    const attempt = await db
      .deleteFrom('sso_attempts')
      .where('state_digest', '=', sha256(state))
      .returningAll()
      .executeTakeFirst();
    if (!attempt || attempt.expires_at < new Date())
      throw invalid('this single sign-on attempt is unknown or expired; start again from the sign-in page');
    if (!verifier || !safeEqual(sha256(verifier), attempt.verifier_digest))
      throw invalid(
        'this single sign-on attempt was started in another browser; start again from the sign-in page',
      );
    const r = await row(attempt.org_id);
    if (!r) throw invalid('single sign-on was removed from this organization meanwhile');
    const error = currentUrl.searchParams.get('error');
    if (error) throw unauthenticated(`the identity provider refused the sign-in: ${error.slice(0, 100)}`);
    let claims: Record<string, unknown>;
    try {
      claims = await oidc.finish(r.org_id, await idpOf(r), {
        currentUrl,
        state,
        nonce: attempt.nonce,
        verifier,
      });
    } catch (err) {
      await identity.refuseSignIn(ctx, 'unknown', 'sso_failed', { method: 'sso' });
      throw unauthenticated(
        `the identity provider's answer did not check out: ${(err as Error).message.slice(0, 200)}`,
      );
    }
    const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : '';
    if (!email.endsWith(`@${r.email_domain.toLowerCase()}`) || claims.email_verified === false) {
      await identity.refuseSignIn(ctx, email || 'unknown', 'sso_failed', { method: 'sso' });
      throw unauthenticated(
        `the identity provider vouched for '${email}', which is not a verified address at ${r.email_domain}`,
      );
    }
    const user = await identity.accounts.byEmail(email);
    const member = user
      ? await db
          .selectFrom('org_members')
          .select('role')
          .where('org_id', '=', r.org_id)
          .where('user_id', '=', user.id)
          .executeTakeFirst()
      : undefined;
    if (user?.kind !== 'person' || user.disabled_at || !member) {
      await identity.refuseSignIn(ctx, email, 'not_a_member', { method: 'sso', userId: user?.id });
      throw unauthenticated(
        `'${email}' is not a member of the organization that signs in ${r.email_domain}; ask its owner to add you`,
      );
    }
    return identity.openSession(ctx, user, { method: 'sso', mfa: true, org: r.org_id });
  }

  return { get, set, remove, start, finish };
}

export type SsoService = ReturnType<typeof createSsoService>;
