/**
 * @module audit/witnesses/metrics
 * How far witnessing is behind, for Prometheus: over every chain with witnesses, the largest
 * number of events and seconds not yet covered by a checkpoint a quorum cosigned, and how many
 * witnesses are failing. Aggregates only: no chain, org or witness names in labels.
 */
import { Gauge, Registry } from 'prom-client';
import type { Db } from '../../db/index.js';
import type { WitnessService } from './witnesses.service.js';

export function witnessMetrics(db: Db, witnesses: WitnessService): Registry {
  const registry = new Registry();
  const statuses = async () => {
    const chains = await db.selectFrom('audit_witnesses').select('chain_id').distinct().execute();
    return Promise.all(chains.map((c) => witnesses.status(c.chain_id)));
  };
  // One read of every chain's status per scrape, shared by the three gauges.
  let current: Promise<Awaited<ReturnType<typeof statuses>>> | undefined;
  const once = () => {
    current ??= statuses().finally(() => setImmediate(() => (current = undefined)));
    return current;
  };
  new Gauge({
    name: 'ward_audit_witness_lag_events',
    help: 'Events not yet covered by a checkpoint a quorum of witnesses cosigned (largest over chains)',
    registers: [registry],
    async collect() {
      this.set(Math.max(0, ...(await once()).map((s) => s.lag_events)));
    },
  });
  new Gauge({
    name: 'ward_audit_witness_lag_seconds',
    help: 'Age of the oldest event not covered by a checkpoint a quorum of witnesses cosigned (largest over chains)',
    registers: [registry],
    async collect() {
      this.set(Math.max(0, ...(await once()).map((s) => s.lag_seconds ?? 0)));
    },
  });
  new Gauge({
    name: 'ward_audit_witnesses_failing',
    help: 'Witnesses whose last submission failed or was refused',
    registers: [registry],
    async collect() {
      this.set((await once()).flatMap((s) => s.witnesses).filter((w) => w.last_error !== null).length);
    },
  });
  return registry;
}
