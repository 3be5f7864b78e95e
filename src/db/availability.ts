/**
 * @module db/availability
 * Whether the control database answers, known without waiting on it. A connection of its own
 * runs `SELECT 1` every second with a two-second deadline. A stopped database refuses at once,
 * but a stalled one (a frozen host, SIGSTOP, a full disk) answers nothing, and every request
 * that reaches it waits as long as the stall lasts. While the probe gets no answer, the API
 * refuses new requests at once with 503; requests already in flight finish when the database
 * returns, so their outcome is the real one. The probe reconnects by itself.
 */
import pg from 'pg';
import type { Logger } from '../lib/logger.js';

export interface Availability {
  /** The last probe got its answer in time. */
  available(): boolean;
  stop(): Promise<void>;
}

export function watchAvailability(
  connection: pg.ClientConfig,
  log: Logger,
  opts: { everyMs?: number; timeoutMs?: number } = {},
): Availability {
  const everyMs = opts.everyMs ?? 1_000;
  const timeoutMs = opts.timeoutMs ?? 2_000;
  let available = true;
  let client: pg.Client | undefined;
  let probing: Promise<void> | undefined;

  const withDeadline = <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  };

  async function probe(): Promise<void> {
    try {
      if (!client) {
        const fresh = new pg.Client({ ...connection, connectionTimeoutMillis: timeoutMs });
        fresh.on('error', () => undefined);
        client = fresh;
        await withDeadline(fresh.connect());
      }
      await withDeadline(client.query('SELECT 1'));
      if (!available) log.warn('the control database answers again; the API serves requests');
      available = true;
    } catch (err) {
      if (available)
        log.error(
          { err: (err as Error).message },
          'the control database does not answer; the API answers 503 until it does',
        );
      available = false;
      // A stalled server may never answer this connection: drop it and start a new one.
      const stale = client;
      client = undefined;
      stale?.end().catch(() => undefined);
    }
  }

  const timer = setInterval(() => {
    probing ??= probe().finally(() => {
      probing = undefined;
    });
  }, everyMs);
  timer.unref();

  return {
    available: () => available,
    async stop() {
      clearInterval(timer);
      await probing;
      await client?.end().catch(() => undefined);
    },
  };
}
