/**
 * @module compliance/checks
 * Every live check, by id. The catalog names them; a catalog entry naming a check that is not
 * here fails at load (test/compliance-catalog.test.ts).
 */
import type { Check, CheckId } from './check.js';
import { DATA_CHECKS } from './data.js';
import { PEOPLE_CHECKS } from './people.js';

export * from './check.js';

export const CHECKS: ReadonlyMap<CheckId, Check> = new Map(
  [...PEOPLE_CHECKS, ...DATA_CHECKS].map((c) => [c.id, c]),
);
