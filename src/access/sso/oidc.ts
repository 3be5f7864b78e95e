/**
 * @module access/sso/oidc
 * The OpenID Connect client side, with openid-client: discovery (cached ten minutes per org),
 * the authorization URL (authorization code flow, PKCE S256, state and nonce), and the code
 * exchange that validates the ID token (and reads UserInfo when the token carries no email). Identity providers are reached over HTTPS; plain HTTP is
 * allowed only to this machine (a provider run beside Ward, as in tests).
 */
import * as client from 'openid-client';
import { invalid } from '../../lib/errors.js';

const CACHE_MS = 10 * 60_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface IdpSettings {
  issuer: string;
  client_id: string;
  client_secret: string;
}

export function checkIssuer(issuer: string): URL {
  const url = new URL(issuer);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw invalid(`the issuer '${issuer}' must use https (plain http only to this machine)`);
  return url;
}

export function createOidcClient() {
  const cache = new Map<string, { at: number; config: Promise<client.Configuration> }>();

  function configOf(key: string, idp: IdpSettings): Promise<client.Configuration> {
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.config;
    const url = checkIssuer(idp.issuer);
    const config = client.discovery(url, idp.client_id, idp.client_secret, undefined, {
      execute: url.protocol === 'http:' ? [client.allowInsecureRequests] : [],
    });
    config.catch(() => cache.delete(key));
    cache.set(key, { at: Date.now(), config });
    return config;
  }

  /** Discovers the provider now, so a bad issuer is refused when it is configured. */
  async function check(idp: IdpSettings): Promise<void> {
    try {
      await configOf(`check:${idp.issuer}:${Date.now()}`, idp);
    } catch (err) {
      throw invalid(`could not reach the identity provider at '${idp.issuer}': ${(err as Error).message}`);
    }
  }

  async function authorizationUrl(
    key: string,
    idp: IdpSettings,
    p: { redirectUri: string; state: string; nonce: string; verifier: string; loginHint: string },
  ): Promise<URL> {
    const config = await configOf(key, idp);
    return client.buildAuthorizationUrl(config, {
      redirect_uri: p.redirectUri,
      scope: 'openid email profile',
      state: p.state,
      nonce: p.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(p.verifier),
      code_challenge_method: 'S256',
      login_hint: p.loginHint,
    });
  }

  /** Exchanges the code; returns the validated ID token's claims. */
  async function finish(
    key: string,
    idp: IdpSettings,
    p: { currentUrl: URL; state: string; nonce: string; verifier: string },
  ): Promise<Record<string, unknown>> {
    const config = await configOf(key, idp);
    const tokens = await client.authorizationCodeGrant(config, p.currentUrl, {
      pkceCodeVerifier: p.verifier,
      expectedNonce: p.nonce,
      expectedState: p.state,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw invalid('the identity provider returned no ID token');
    if (typeof claims.email === 'string') return claims as Record<string, unknown>;
    // Many providers put scope-requested claims only in UserInfo: ask there, for the same subject.
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    return { ...info, ...claims, email: info.email, email_verified: info.email_verified };
  }

  return { check, authorizationUrl, finish, forget: (key: string) => cache.delete(key) };
}

export const newFlowSecrets = () => ({
  state: client.randomState(),
  nonce: client.randomNonce(),
  verifier: client.randomPKCECodeVerifier(),
});
