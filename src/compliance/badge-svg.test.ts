import { describe, expect, it } from 'vitest';
import { escapeXml, renderBadge } from './badge-svg.js';

describe('the HIPAA badge', () => {
  it('says both scores and the day, green only while every required control holds', () => {
    const met = renderBadge({
      required_score: 100,
      addressable_score: 92,
      required_met: true,
      day: '2026-12-06',
    });
    expect(met).toContain('>Required 100% · Addressable 92% · checked 2026-12-06</text>');
    expect(met).toContain('aria-label="HIPAA: Required 100% · Addressable 92% · checked 2026-12-06"');
    expect(met).toContain('#2e7d32');
    const unmet = renderBadge({
      required_score: 90,
      addressable_score: 50,
      required_met: false,
      day: '2026-12-06',
    });
    expect(unmet).toContain('#c62828');
    expect(renderBadge(undefined)).toContain('>not checked yet</text>');
  });

  it('escapes text', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
  });
});
