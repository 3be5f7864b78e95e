/**
 * @module keys/hsm/uses
 * `key.unwrap` events without a flood: every unwrap through an org's HSM key is counted, and one
 * event per org and key is written a minute after the first uncounted use (or when Ward stops),
 * carrying how many there were and when the first and last happened.
 */
import type { AuditService } from '../../audit/index.js';
import { SYSTEM } from '../../lib/context.js';
import type { Logger } from '../../lib/logger.js';

/** One event per org per minute at most. */
export const UNWRAP_EVENT_EVERY_MS = 60_000;

interface Tally {
  orgId: string;
  keystoreId: string;
  count: number;
  first: Date;
  last: Date;
}

export function createRootKeyUses(deps: { audit: AuditService; log: Logger; everyMs?: number }) {
  const tallies = new Map<string, Tally>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  async function write(batch: Tally[]): Promise<void> {
    if (batch.length === 0) return;
    await deps.audit
      .record(
        SYSTEM,
        batch.map((t) => ({
          action: 'key.unwrap' as const,
          chain: t.orgId,
          target: { type: 'key' as const, id: t.keystoreId },
          details: {
            keystore_id: t.keystoreId,
            count: t.count,
            first_at: t.first.toISOString(),
            last_at: t.last.toISOString(),
          },
        })),
      )
      .catch((err) =>
        deps.log.error(
          { err: (err as Error).message, events: batch.length },
          'could not record key.unwrap events',
        ),
      );
  }

  /** Writes what was counted so far. */
  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const batch = [...tallies.values()];
    tallies.clear();
    flushing = flushing.then(() => write(batch));
    return flushing;
  }

  return {
    count(keystoreId: string, orgId: string): void {
      const key = `${orgId} ${keystoreId}`;
      const now = new Date();
      const t = tallies.get(key);
      if (t) {
        t.count++;
        t.last = now;
      } else tallies.set(key, { orgId, keystoreId, count: 1, first: now, last: now });
      if (!timer) {
        timer = setTimeout(() => void flush(), deps.everyMs ?? UNWRAP_EVENT_EVERY_MS);
        timer.unref();
      }
    },
    flush,
  };
}

export type RootKeyUses = ReturnType<typeof createRootKeyUses>;
