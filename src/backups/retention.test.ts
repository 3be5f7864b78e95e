import { describe, expect, it } from 'vitest';
import { fullBackupsToKeep, scheduledType } from './retention.js';

const day = (n: number) => new Date(Date.UTC(2026, 10, n, 3));
const full = (n: number) => ({ type: 'full' as const, stopped_at: day(n) });
const diff = (n: number) => ({ type: 'diff' as const, stopped_at: day(n) });

describe('retention', () => {
  it('keeps every full backup inside the window and the newest one before it', () => {
    const backups = [full(1), full(8), diff(9), full(15), diff(16)];
    // On the 20th with 7 days: the window starts on the 13th; full(15) is inside, full(8) starts it.
    expect(fullBackupsToKeep(backups, 7, day(20))).toBe(2);
    // With 35 days everything is inside the window.
    expect(fullBackupsToKeep(backups, 35, day(20))).toBe(3);
  });

  it('always keeps at least one full backup', () => {
    expect(fullBackupsToKeep([full(1)], 7, day(30))).toBe(1);
    expect(fullBackupsToKeep([], 7, day(30))).toBe(1);
  });

  it('takes a full backup weekly and differential ones between', () => {
    expect(scheduledType([], day(10))).toBe('full');
    expect(scheduledType([full(8), diff(9)], day(10))).toBe('diff');
    expect(scheduledType([full(1), diff(9)], day(10))).toBe('full');
  });
});
