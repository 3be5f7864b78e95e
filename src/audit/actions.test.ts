import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_NAMES, AUDIT_ACTIONS } from './actions.js';

describe('the audit vocabulary', () => {
  const doc = readFileSync(new URL('../../docs/audit-events.md', import.meta.url), 'utf8');
  const documented = new Map(
    [...doc.matchAll(/^\| `([a-z.]+)` \| ([a-z]+) \|/gm)].map((m) => [m[1] as string, m[2] as string]),
  );

  it('documents every action in docs/audit-events.md with its category', () => {
    for (const action of AUDIT_ACTION_NAMES) {
      expect(documented.get(action), `${action} is missing from docs/audit-events.md`).toBe(
        AUDIT_ACTIONS[action].category,
      );
    }
  });

  it('documents no action that does not exist', () => {
    expect([...documented.keys()].sort()).toEqual([...AUDIT_ACTION_NAMES].sort());
  });

  it('names actions as lowercase dotted words', () => {
    for (const action of AUDIT_ACTION_NAMES) expect(action).toMatch(/^[a-z]+(\.[a-z]+)+$/);
  });
});
