/**
 * @module gateway/metrics
 * The gateway's Prometheus metrics, served with the rest at GET /metrics: live sessions,
 * statements by audit delivery, how long statement events wait to be durable (in async
 * delivery this is the crash window: events younger than this may be lost), and events owed
 * after a failure. No identifiers, no statement text.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export function createGatewayMetrics(sessions: () => number, backlog: () => number) {
  const registry = new Registry();
  new Gauge({
    name: 'ward_gateway_sessions',
    help: 'Live database sessions through this gateway',
    registers: [registry],
    collect() {
      this.set(sessions());
    },
  });
  new Gauge({
    name: 'ward_gateway_audit_backlog_events',
    help: 'Statement events whose append failed and are being retried (async delivery)',
    registers: [registry],
    collect() {
      this.set(backlog());
    },
  });
  const statements = new Counter({
    name: 'ward_gateway_statements_total',
    help: 'Statements through the gateway by audit delivery',
    labelNames: ['delivery'] as const,
    registers: [registry],
  });
  const auditWait = new Histogram({
    name: 'ward_gateway_audit_wait_seconds',
    help: 'From a batch of statement events being handed to the audit log to its commit, by delivery',
    labelNames: ['delivery'] as const,
    buckets: [0.00025, 0.0005, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  return { registry, statements, auditWait };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
