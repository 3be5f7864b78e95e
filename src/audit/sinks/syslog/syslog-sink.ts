/**
 * @module audit/sinks/syslog
 * Syslog over TLS: RFC 5424 messages framed by octet counting (RFC 5425), facility "log audit"
 * (13), severity informational for successes and warning otherwise, the record as the message.
 * RFC 5425 has no acknowledgements: a batch counts as delivered once every byte has been handed
 * to the TLS connection without error; if the connection fails, the whole batch is sent again.
 */
import { hostname } from 'node:os';
import tls from 'node:tls';
import type { SinkBatch, SinkTransport } from '../transport.js';

const FACILITY = 13;
const HOST =
  hostname()
    .replace(/[^\x21-\x7e]/g, '')
    .slice(0, 255) || '-';

export function syslogMessage(record: Record<string, unknown>): string {
  // Plain records carry action and outcome; OCSF ones carry them as api.operation and status_detail.
  const outcome = record.outcome ?? record.status_detail;
  const name = record.action ?? (record.api as { operation?: unknown } | undefined)?.operation;
  const severity = record.type === 'checkpoint' || outcome === 'success' ? 6 : 4;
  const at =
    typeof record.time === 'number'
      ? new Date(record.time)
      : typeof record.time === 'string'
        ? new Date(record.time)
        : new Date();
  const msgid = String(record.type === 'checkpoint' ? 'checkpoint' : (name ?? 'event'))
    .replace(/[^\x21-\x7e]/g, '')
    .slice(0, 32);
  const msg = `<${FACILITY * 8 + severity}>1 ${at.toISOString()} ${HOST} ward ${process.pid} ${msgid} - ${JSON.stringify(record)}`;
  return `${Buffer.byteLength(msg)} ${msg}`;
}

export function createSyslogSink(opts: { host: string; port: number; ca?: string }): SinkTransport {
  let socket: tls.TLSSocket | undefined;

  function connect(): Promise<tls.TLSSocket> {
    return new Promise((resolve, reject) => {
      const s = tls.connect({
        host: opts.host,
        port: opts.port,
        servername: opts.host,
        ca: opts.ca,
        minVersion: 'TLSv1.2',
        timeout: 10_000,
      });
      s.once('secureConnect', () => resolve(s));
      s.once('error', reject);
      s.once('timeout', () => s.destroy(new Error(`no answer from ${opts.host}:${opts.port} within 10 s`)));
    });
  }

  return {
    async deliver(batch: SinkBatch) {
      if (!socket || socket.destroyed) socket = await connect();
      const s = socket;
      try {
        await new Promise<void>((resolve, reject) => {
          const onError = (err: Error) => reject(err);
          s.once('error', onError);
          s.write(batch.records.map(syslogMessage).join(''), (err) => {
            s.off('error', onError);
            if (err) reject(err);
            else resolve();
          });
        });
      } catch (err) {
        s.destroy();
        socket = undefined;
        throw err;
      }
    },
    async close() {
      socket?.end();
      socket = undefined;
    },
  };
}
