import { describe, expect, it } from 'vitest';
import { inEffectAt, momentOf, type SubprocessorEntry } from './subprocessor-timeline.js';

const at = (day: string) => new Date(`${day}T00:00:00Z`);
const details = { name: 'Example Cloud', purpose: 'backups', location: 'US', phi: true };
const entry: SubprocessorEntry = {
  id: 'sub_aaaaaaaaaaaaaaaa',
  created_at: at('2026-01-01'),
  removal_effective_at: at('2026-09-01'),
  versions: [
    { ...details, effective_at: at('2026-02-01') },
    { ...details, location: 'US and Canada', effective_at: at('2026-05-01') },
  ],
};

describe('the subprocessor timeline', () => {
  it('is upcoming before its first day, showing what was announced', () => {
    const m = momentOf(entry, at('2026-01-15'));
    expect(m.status).toBe('upcoming');
    expect(m.shown.location).toBe('US');
    expect(m.next?.location).toBe('US and Canada');
    expect(inEffectAt([entry], at('2026-01-15'))).toEqual([]);
  });

  it('takes each version on its day, and the removal on its own', () => {
    expect(momentOf(entry, at('2026-02-01'))).toMatchObject({
      status: 'removal_announced',
      shown: { location: 'US' },
    });
    expect(inEffectAt([entry], at('2026-04-30'))[0]?.location).toBe('US');
    expect(inEffectAt([entry], at('2026-05-01'))[0]?.location).toBe('US and Canada');
    expect(momentOf(entry, at('2026-05-01')).next).toBeNull();
    expect(momentOf(entry, at('2026-09-01')).status).toBe('removed');
    expect(inEffectAt([entry], at('2026-09-01'))).toEqual([]);
  });

  it('is in effect with no removal announced', () => {
    const kept = { ...entry, removal_effective_at: null };
    expect(momentOf(kept, at('2027-01-01')).status).toBe('in_effect');
  });
});
