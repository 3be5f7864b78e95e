/**
 * @module compliance/catalog
 * The controls catalog (`catalog.yaml`, data kept beside this module): every implementation
 * specification of 45 CFR 164.308–164.316, each with its citation, required or addressable, who is
 * responsible, and the live check or attestation that decides it. Loaded and validated once.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { CHECK_IDS } from './checks/index.js';

export const SAFEGUARDS = {
  '164.308': 'administrative',
  '164.310': 'physical',
  '164.312': 'technical',
  '164.314': 'organizational',
  '164.316': 'documentation',
} as const;
export type Safeguard = (typeof SAFEGUARDS)[keyof typeof SAFEGUARDS];

export const SAFEGUARD_TITLES: Record<Safeguard, string> = {
  administrative: 'Administrative safeguards (164.308)',
  physical: 'Physical safeguards (164.310)',
  technical: 'Technical safeguards (164.312)',
  organizational: 'Organizational requirements (164.314)',
  documentation: 'Policies and procedures and documentation requirements (164.316)',
};

const entry = z.strictObject({
  id: z.string().regex(/^[a-z][a-z-]+$/),
  citation: z.string().regex(/^164\.3(08|10|12|14|16)(\([a-zA-Z0-9]+\))+$/),
  standard: z.string().min(1),
  title: z.string().min(1),
  kind: z.enum(['required', 'addressable']),
  responsibility: z.enum(['ward', 'shared', 'customer']),
  check: z.enum([...CHECK_IDS, 'attestation']),
  applies_when: z.string().min(1).optional(),
});
export type CatalogEntry = z.infer<typeof entry>;
export interface Control extends CatalogEntry {
  safeguard: Safeguard;
}

function load(): Control[] {
  const raw = parse(readFileSync(new URL('./catalog.yaml', import.meta.url), 'utf8'));
  const entries = z.array(entry).parse(raw);
  const seen = new Set<string>();
  return entries.map((e) => {
    if (seen.has(e.id) || seen.has(e.citation))
      throw new Error(`compliance catalog: '${e.id}' (${e.citation}) appears twice`);
    seen.add(e.id).add(e.citation);
    return { ...e, safeguard: SAFEGUARDS[e.citation.slice(0, 7) as keyof typeof SAFEGUARDS] };
  });
}

/** The catalog, in the rule's order. */
export const CATALOG: readonly Control[] = load();

export function findControl(id: string): Control | undefined {
  return CATALOG.find((c) => c.id === id);
}
