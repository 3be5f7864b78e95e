import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditService, EventSpec } from '../../audit/index.js';
import type { Logger } from '../../lib/logger.js';
import { describeRoot } from '../roots.js';
import { createRootKeyUses, UNWRAP_EVENT_EVERY_MS } from './uses.js';

const HSM = 'pkcs11:token=acme;object=ward-root';

function recorder() {
  const written: EventSpec[][] = [];
  const audit = {
    record: async (_ctx: unknown, specs: EventSpec[]) => void written.push(specs),
  } as unknown as AuditService;
  return { written, uses: createRootKeyUses({ audit, log: {} as Logger }) };
}

describe('key.unwrap batching', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes one event per org and key a minute after the first use, with the count', async () => {
    const { written, uses } = recorder();
    for (let i = 0; i < 500; i++) uses.count(HSM, 'org_a');
    uses.count(HSM, 'org_b');
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(UNWRAP_EVENT_EVERY_MS - 1);
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(written).toHaveLength(1);
    expect(written[0]?.map((e) => [e.chain, e.action, (e.details as { count: number }).count])).toEqual([
      ['org_a', 'key.unwrap', 500],
      ['org_b', 'key.unwrap', 1],
    ]);
    // Nothing counted since: nothing written at the next minute.
    await vi.advanceTimersByTimeAsync(UNWRAP_EVENT_EVERY_MS);
    expect(written).toHaveLength(1);
  });

  it('writes what was counted when flushed (Ward stopping), and nothing when nothing was', async () => {
    const { written, uses } = recorder();
    await uses.flush();
    expect(written).toEqual([]);
    uses.count(HSM, 'org_a');
    uses.count(HSM, 'org_a');
    await uses.flush();
    expect(written[0]?.[0]?.details).toMatchObject({ keystore_id: HSM, count: 2 });
    await vi.advanceTimersByTimeAsync(UNWRAP_EVENT_EVERY_MS);
    expect(written).toHaveLength(1);
  });
});

describe('describeRoot', () => {
  it('names a PKCS#11 key by its label and token, and Ward’s own root key', () => {
    expect(describeRoot(HSM)).toBe('key "ward-root" on token "acme"');
    expect(describeRoot('pkcs11:token=a%20b;object=c%3Bd')).toBe('key "c;d" on token "a b"');
    expect(describeRoot('file:root')).toBe("Ward's own root key");
  });
});
