import { describe, expect, it } from 'vitest';
import { reportHeadline } from './backups.js';

describe('ward restore’s verification lines', () => {
  const report = (verdict: 'identical' | 'earlier_than_source' | 'different') => ({
    identical: verdict === 'identical',
    verdict,
    summary: `summary for ${verdict}`,
    schema: { identical: true },
    tables: [],
  });

  it('calls an identical copy identical, in one line', () => {
    expect(reportHeadline(report('identical'))).toEqual(['Verification: identical (schema identical)']);
  });

  it('does not call a restore to an earlier moment DIFFERENT, and says what was compared', () => {
    const lines = reportHeadline(report('earlier_than_source'));
    expect(lines.join('\n')).not.toMatch(/DIFFERENT/);
    expect(lines).toEqual([
      'Verification: an earlier state of the source, as asked (schema identical)',
      'summary for earlier_than_source',
    ]);
  });

  it('still calls a latest restore that does not match DIFFERENT', () => {
    expect(reportHeadline(report('different'))[0]).toBe('Verification: DIFFERENT (schema identical)');
  });
});
