/**
 * @module http/errors
 * Maps every failure to `{"error": {"code", "message"}}` with the right status, once. Validation
 * failures name the field and what to fix; database outages are 503; anything unexpected is a 500
 * whose message carries only the request id (the detail goes to Ward's log).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isWardError } from '../lib/errors.js';

const DB_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'ECONNRESET',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08006',
  '08001',
]);

function describeIssues(err: FastifyError): string {
  const context = (err as { validationContext?: string }).validationContext ?? 'request';
  const issues = (err.validation ?? []).slice(0, 5).map((v) => {
    const path = String(v.instancePath ?? '')
      .replace(/^\//, '')
      .replaceAll('/', '.');
    const where = path ? `${context}.${path}` : context;
    return `${where}: ${v.message}`;
  });
  return issues.join('; ') || err.message;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isWardError(err)) {
      const error = { code: err.code, message: err.message, ...(err.reason ? { reason: err.reason } : {}) };
      return reply.code(err.status).send({ error });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      return reply.code(400).send({ error: { code: 'invalid', message: describeIssues(err) } });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err }, 'response did not match its schema');
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const message =
        err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'the request body is not valid JSON'
          : err.message;
      return reply
        .code(err.statusCode)
        .send({ error: { code: err.statusCode === 429 ? 'rate_limited' : 'invalid', message } });
    } else if (DB_UNAVAILABLE.has(String((err as { code?: string }).code))) {
      req.log.error({ err }, 'control database unavailable');
      return reply.code(503).send({
        error: { code: 'unavailable', message: 'the control database is unavailable; try again shortly' },
      });
    } else {
      req.log.error({ err }, 'unexpected error');
    }
    return reply.code(500).send({
      error: {
        code: 'internal',
        message: `internal error (request ${req.id}); the operator can find it in Ward's log`,
      },
    });
  });
}

/**
 * Unknown routes: JSON 404 for the API; with the console served, any other GET gets the
 * console's index.html so its own routes survive a reload.
 */
export function installNotFound(app: FastifyInstance, consoleServed: boolean): void {
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const api = path.startsWith('/api/') || path === '/healthz' || path === '/metrics';
    if (consoleServed && req.method === 'GET' && !api) return reply.type('text/html').sendFile('index.html');
    return reply.code(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${path}` } });
  });
}
