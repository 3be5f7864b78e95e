/**
 * @module audit/sinks/webhook
 * An HTTPS webhook: each batch is one POST of `{chain, sink, events, checkpoints}` with
 * `X-Ward-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` under the sink's
 * secret, and `X-Ward-Delivery` naming the batch (the same on a retry, for de-duplication). A 2xx
 * answer means delivered; anything else, or no answer within 10 s, is retried.
 */
import { createHmac } from 'node:crypto';
import https from 'node:https';
import type { SinkBatch, SinkTransport } from '../transport.js';

export function signature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function createWebhookSink(opts: { url: string; secret: string; ca?: string }): SinkTransport {
  const url = new URL(opts.url);
  return {
    deliver(batch: SinkBatch) {
      const body = JSON.stringify({
        chain: batch.chain,
        sink: batch.sink,
        events: batch.records.filter((r) => r.type !== 'checkpoint'),
        checkpoints: batch.records.filter((r) => r.type === 'checkpoint'),
      });
      const t = Math.floor(Date.now() / 1000);
      return new Promise<void>((resolve, reject) => {
        const req = https.request(
          url,
          {
            method: 'POST',
            ca: opts.ca,
            minVersion: 'TLSv1.2',
            timeout: 10_000,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              'x-ward-signature': signature(opts.secret, t, body),
              'x-ward-delivery': `${batch.chain}:${batch.first_seq}-${batch.last_seq}`,
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) resolve();
              else reject(new Error(`the webhook answered ${status}`));
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error('the webhook did not answer within 10 s')));
        req.on('error', reject);
        req.end(body);
      });
    },
    async close() {},
  };
}
