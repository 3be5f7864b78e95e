/**
 * The events one Ward process records never go back in time, even when the machine's clock steps
 * back: readers bound a gateway session's events by the times of two of them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestWard, type TestWard } from '../../test/support/ward.js';
import type { RequestContext } from '../lib/context.js';
import { listAuditQuery } from './audit.schemas.js';

let w: TestWard;
beforeAll(async () => {
  w = await startTestWard();
});
afterAll(() => w?.stop());

const CHAIN = 'org_vclockaaaaaaaaaa';
const ctx = Object.freeze({
  actor: Object.freeze({ type: 'user', id: 'usr_clockaaaaaaaaaaa', email: 'clock@acme.test' }),
  ip: '127.0.0.1',
}) as RequestContext;
const restart = (reason: string) => ({
  action: 'project.cluster.restart' as const,
  chain: CHAIN,
  target: { type: 'project' as const, id: 'prj_clockaaaaaaaaaaa', name: 'records' },
  details: { reason },
});

describe('event times', () => {
  it('do not go back when the clock steps back ten minutes', async () => {
    const { audit, auditReader } = w.ward.services;
    await audit.append(ctx, [restart('before the step')]);
    // The clock reads ten minutes earlier while the next append takes its time and ids.
    const stepped = Date.now() - 600_000;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(stepped);
    const appended = audit.append(ctx, [restart('after the step')]);
    clock.mockRestore();
    await appended;

    const { events } = await auditReader.list(CHAIN, listAuditQuery.parse({}));
    const [after, before] = events;
    expect(after?.details.reason).toBe('after the step');
    expect(before?.details.reason).toBe('before the step');
    expect(after?.seq).toBe((before?.seq ?? 0) + 1);
    expect(Date.parse(after?.time ?? '')).toBeGreaterThanOrEqual(Date.parse(before?.time ?? ''));
    expect(Date.parse(after?.time ?? '')).toBeGreaterThan(stepped + 60_000);
  });
});
