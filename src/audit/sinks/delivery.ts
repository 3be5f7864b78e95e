/**
 * @module audit/sinks/delivery
 * Delivers every sink's chain to it, at least once, in order. Each pass, for each sink that has
 * something undelivered and is not backing off: take a lease (one deliverer per sink across Ward
 * processes; no transaction is held open across the network call), read the next batch of
 * events and the checkpoints it completes, deliver, and only then move the sink's cursor. A
 * failure records the error and backs off (1 s doubling to 5 min); the events stay where they
 * are, so a sink that is down never blocks the log and never loses an event. A delivered
 * checkpoint also records an export (retention removes only what a copy holds).
 */

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Db } from '../../db/index.js';
import { checkpointFromRow } from '../../evidence/index.js';
import { SYSTEM } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import type { Logger } from '../../lib/logger.js';
import type { Signer } from '../../lib/signing.js';
import type { AuditService } from '../audit.service.js';
import { eventsAfter } from '../batches.db.js';
import { createFileSink } from './file/file-sink.js';
import { checkpointRecord, eventRecord, headerRecord } from './records.js';
import type { SinkSecrets } from './secrets.js';
import { secretAad } from './sinks.service.js';
import { delivered, failed, lease, type SinkRow, sinksWithState } from './sinks.store.js';
import { createSyslogSink } from './syslog/syslog-sink.js';
import type { SinkTransport } from './transport.js';
import { createWebhookSink } from './webhook/webhook-sink.js';

const BATCH = 500;
const LEASE_SECONDS = 60;

export function createSinkDelivery(deps: {
  db: Db;
  keys: SinkSecrets;
  signer: Signer;
  sinksDir: string;
  log: Logger;
  /** Records a sink's first failure after it last delivered (`audit.sink.failure`). */
  audit?: Pick<AuditService, 'record'>;
}) {
  const { db, keys, signer, sinksDir, log } = deps;
  const owner = randomUUID();
  const transports = new Map<string, { key: string; transport: SinkTransport }>();
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;

  async function transportFor(sink: SinkRow): Promise<SinkTransport> {
    const key = JSON.stringify([sink.kind, sink.config]);
    const known = transports.get(sink.id);
    if (known?.key === key) return known.transport;
    await known?.transport.close();
    const c = sink.config as {
      file_name?: string;
      host?: string;
      port?: number;
      url?: string;
      ca_pem?: string;
    };
    let transport: SinkTransport;
    if (sink.kind === 'file') {
      const anchor = await db
        .selectFrom('audit_anchors')
        .selectAll()
        .where('chain_id', '=', sink.chain_id)
        .executeTakeFirst();
      const header = headerRecord(
        sink.chain_id,
        sink.format,
        signer.keyId,
        signer.publicKeyPem,
        anchor
          ? {
              seq: Number(anchor.seq),
              hash: anchor.hash.toString('hex'),
              frontier: anchor.frontier.map((f) => f.toString('hex')),
            }
          : null,
      );
      transport = createFileSink(join(sinksDir, sink.chain_id, `${c.file_name}.jsonl`), () => header);
    } else if (sink.kind === 'syslog') {
      transport = createSyslogSink({ host: String(c.host), port: Number(c.port), ca: c.ca_pem });
    } else {
      if (!sink.secret_sealed) throw new Error('the webhook has no secret');
      const secret = (await keys.decrypt(sink.secret_sealed, secretAad(sink.id))).toString('utf8');
      transport = createWebhookSink({ url: String(c.url), secret, ca: c.ca_pem });
    }
    transports.set(sink.id, { key, transport });
    return transport;
  }

  async function deliverOne(sink: SinkRow): Promise<void> {
    if (!(await lease(db, sink.id, owner, LEASE_SECONDS))) return;
    try {
      const events = (await eventsAfter(db, sink.chain_id, sink.delivered_seq, BATCH)).map((e) => ({
        ...e,
        body: e.body.toString('utf8'),
      }));
      const last = events.length ? Number(events[events.length - 1]?.seq) : sink.delivered_seq;
      const checkpoints = (
        await db
          .selectFrom('audit_checkpoints')
          .selectAll()
          .where('chain_id', '=', sink.chain_id)
          .where('tree_size', '>', sink.delivered_checkpoint)
          .where('tree_size', '<=', last)
          .orderBy('tree_size')
          .execute()
      ).map(checkpointFromRow);
      const records: Record<string, unknown>[] = [];
      let next = 0;
      for (const e of events) {
        records.push(eventRecord(e, sink.format));
        while (checkpoints[next] && Number(checkpoints[next]?.tree_size) <= Number(e.seq))
          records.push(checkpointRecord(checkpoints[next++] as never));
      }
      while (checkpoints[next]) records.push(checkpointRecord(checkpoints[next++] as never));
      if (records.length === 0) {
        await delivered(db, sink.id, owner, last, sink.delivered_checkpoint);
        return;
      }
      await (await transportFor(sink)).deliver({
        chain: sink.chain_id,
        sink: sink.name,
        first_seq: sink.delivered_seq + 1,
        last_seq: last,
        records,
      });
      const cp = checkpoints.length
        ? Number(checkpoints[checkpoints.length - 1]?.tree_size)
        : sink.delivered_checkpoint;
      await db.transaction().execute(async (tx) => {
        await delivered(tx, sink.id, owner, last, cp);
        if (cp > sink.delivered_checkpoint) {
          await tx
            .insertInto('audit_exports')
            .values({
              id: newId('op'),
              chain_id: sink.chain_id,
              up_to_seq: cp,
              checkpoint_size: cp,
              kind: 'sink',
              sink_id: sink.id,
            })
            .execute();
        }
      });
    } catch (err) {
      const message = (err as Error).message || String(err);
      log.warn(
        { sink: sink.id, chain: sink.chain_id, error: message },
        'audit sink delivery failed; will retry',
      );
      await transports.get(sink.id)?.transport.close();
      transports.delete(sink.id);
      await failed(db, sink.id, owner, message).catch(() => undefined);
      // Once per run of failures, not per retry: the alert rules raise one alert for it.
      if (sink.attempts === 0)
        await deps.audit
          ?.record(SYSTEM, [
            {
              action: 'audit.sink.failure',
              chain: sink.chain_id,
              outcome: 'failure',
              target: { type: 'audit_sink', id: sink.id, name: sink.name },
              details: {
                sink: sink.name,
                kind: sink.kind,
                failure: message.slice(0, 300),
                delivered_seq: sink.delivered_seq,
              },
            },
          ])
          .catch((err) => log.warn({ err, sink: sink.id }, 'could not record an audit sink failure'));
    }
  }

  async function tick(): Promise<void> {
    const due = await sinksWithState(db, { due: true });
    await Promise.all(due.map((s) => deliverOne(s)));
  }

  return {
    tick,
    start(intervalMs = 500) {
      timer = setInterval(() => {
        pass ??= tick()
          .catch((err) => log.error({ err }, 'audit sink pass failed'))
          .finally(() => {
            pass = undefined;
          });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await pass;
      for (const { transport } of transports.values()) await transport.close();
      transports.clear();
    },
  };
}

export type SinkDelivery = ReturnType<typeof createSinkDelivery>;
