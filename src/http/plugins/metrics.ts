/**
 * @module http/plugins/metrics
 * Prometheus metrics at GET /metrics: process metrics, HTTP requests by route pattern and status
 * (never by URL, which can carry names), and cluster states. No identifiers, no PHI. Callers on
 * this machine (loopback) need no token; others need the operator's, with the `metrics:read` scope.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function installMetrics(
  app: FastifyInstance,
  clusterStates: () => Record<string, number>,
  /** Other parts' registries (the gateway's), served with these. */
  extra: Registry[] = [],
): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ward_' });
  const requests = new Counter({
    name: 'ward_http_requests_total',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ward_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: 'ward_clusters',
    help: 'Project clusters on this node by supervisor state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [state, n] of Object.entries(clusterStates())) this.set({ state }, n);
    },
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    duration.observe({ route }, reply.elapsedTime / 1000);
  });
  // Open to Prometheus on this machine; from anywhere else it takes the operator's token with
  // the metrics:read scope (docs/permissions.md).
  const config = { publicOnLoopback: true, permission: 'metrics.read' } as const;
  app.get('/metrics', { config, schema: { hide: true } }, async (_req, reply) => {
    reply.type(registry.contentType);
    return extra.length === 0 ? registry.metrics() : Registry.merge([registry, ...extra]).metrics();
  });
  return registry;
}
