/**
 * @module http/plugins/security-headers
 * Browser security headers (CSP, frame denial, no sniffing, referrer policy, HSTS with TLS, …)
 * chosen by helmet. None depends on the request, so helmet computes them once at start and every
 * reply gets the same constant set, instead of running helmet's middleware per request.
 */
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

export function securityHeaders(tls: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    strictTransportSecurity: tls,
  })({} as never, res as never, () => undefined);
  return headers;
}

export function installSecurityHeaders(app: FastifyInstance, tls: boolean): void {
  const headers = securityHeaders(tls);
  app.addHook('onRequest', async (_req, reply) => {
    reply.headers(headers);
  });
}
