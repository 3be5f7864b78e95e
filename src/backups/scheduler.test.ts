import { describe, expect, it } from 'vitest';
import { dueWork, lastSlot } from './scheduler.js';

const at = (s: string) => new Date(s);
const WEEK = 7 * 86_400_000;

describe('the backup schedule', () => {
  it('finds the most recent daily slot', () => {
    expect(lastSlot(at('2026-11-22T10:00:00Z'), '03:00')).toEqual(at('2026-11-22T03:00:00Z'));
    expect(lastSlot(at('2026-11-22T02:59:00Z'), '03:00')).toEqual(at('2026-11-21T03:00:00Z'));
  });

  it('backs a project up once per slot, and not before its first slot', () => {
    const row = { daily_at: '03:00', last_drill: null, last_backup: null, last_scheduled_backup: null };
    const now = at('2026-11-22T10:00:00Z');
    expect(dueWork({ ...row, created_at: at('2026-11-21T12:00:00Z') }, now, WEEK).backup).toBe(true);
    expect(dueWork({ ...row, created_at: at('2026-11-22T04:00:00Z') }, now, WEEK).backup).toBe(false);
    const done = {
      ...row,
      created_at: at('2026-11-01T00:00:00Z'),
      last_scheduled_backup: at('2026-11-22T03:00:05Z'),
    };
    expect(dueWork(done, now, WEEK).backup).toBe(false);
  });

  it('drills weekly, once there is a backup', () => {
    const base = { daily_at: '03:00', created_at: at('2026-11-01T00:00:00Z'), last_scheduled_backup: null };
    const now = at('2026-11-22T10:00:00Z');
    expect(dueWork({ ...base, last_backup: null, last_drill: null }, now, WEEK).drill).toBe(false);
    expect(
      dueWork({ ...base, last_backup: at('2026-11-22T03:01:00Z'), last_drill: null }, now, WEEK).drill,
    ).toBe(true);
    const recent = {
      ...base,
      last_backup: at('2026-11-22T03:01:00Z'),
      last_drill: at('2026-11-20T00:00:00Z'),
    };
    expect(dueWork(recent, now, WEEK).drill).toBe(false);
    const young = {
      ...base,
      created_at: at('2026-11-20T00:00:00Z'),
      last_backup: at('2026-11-22T03:01:00Z'),
    };
    expect(dueWork({ ...young, last_drill: null }, now, WEEK).drill).toBe(false);
  });
});
