/**
 * @module accounting/relations
 * The tables a statement names, read from its normalized text with PostgreSQL's own parser
 * (libpg-query): every RangeVar, schema-qualified (`public` when it is not). For the coverage
 * view, once per distinct normalized text; text the parser refuses names nothing.
 */
import { loadModule, parseSync } from 'libpg-query';

let loaded: Promise<void> | undefined;
export const loadRelationsParser = (): Promise<void> => {
  loaded ??= loadModule();
  return loaded;
};

function walk(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'RangeVar' && v && typeof v === 'object') {
      const r = v as { schemaname?: string; relname?: string };
      if (r.relname) out.add(`${r.schemaname ?? 'public'}.${r.relname}`);
    }
    walk(v, out);
  }
}

/** `schema.table` of every table the statement names (CTE names included: they match no key). */
export function relationsOf(normalized: string): string[] {
  try {
    const out = new Set<string>();
    walk(parseSync(normalized), out);
    return [...out];
  } catch {
    return [];
  }
}
