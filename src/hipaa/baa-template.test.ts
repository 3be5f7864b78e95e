import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CURRENT_BAA_VERSION, fillTemplate, renderBaa, sha256Hex, templateFile } from './baa-template.js';

const values = {
  org_id: 'org_aaaaaaaaaaaaaaaa',
  covered_entity_legal_name: 'Acme Health, Inc.',
  covered_entity_address: '12 Main Street\n  Boston, MA 02110\n',
  business_associate_legal_name: 'Ward Hosting LLC',
  business_associate_address: '1 Operator Way',
};

describe('the BAA template', () => {
  it('is published and never changes: new wording is a new version', async () => {
    // Signed BAAs name this version; if this digest changes, add baa-v2.md instead of editing v1.
    const v1 = await readFile(templateFile('v1'), 'utf8');
    expect(sha256Hex(v1)).toBe('37bd46f19291ef16d02bc05ec215ffa719bb36f2a66b9682616113dbb69e3df5');
    expect(CURRENT_BAA_VERSION).toBe('v1');
  });

  it('renders the same text and digest for the same org, and a different digest for other details', async () => {
    const a = await renderBaa('v1', values);
    const b = await renderBaa('v1', { ...values });
    expect(a).toEqual(b);
    expect(a.sha256).toBe(sha256Hex(a.text));
    expect(a.text).toContain('Acme Health, Inc., 12 Main Street, Boston, MA 02110 ("Covered Entity")');
    expect(a.text).toContain('Template version v1');
    const c = await renderBaa('v1', { ...values, covered_entity_address: '13 Main Street' });
    expect(c.sha256).not.toBe(a.sha256);
  });

  it('fills in one pass, so a value that looks like a placeholder stays text', () => {
    const text = fillTemplate('{{covered_entity_legal_name}} / {{org_id}}', {
      ...values,
      template_version: 'v1',
      covered_entity_legal_name: '{{org_id}}',
    });
    expect(text).toBe('{{org_id}} / org_aaaaaaaaaaaaaaaa');
    expect(() => fillTemplate('{{nope}}', { ...values, template_version: 'v1' })).toThrow(
      /unknown placeholder \{\{nope\}\}/,
    );
    expect(() => templateFile('../x')).toThrow(/not a BAA template version/);
  });
});
