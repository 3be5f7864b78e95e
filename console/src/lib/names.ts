/**
 * @module lib/names
 * The rule for org and project names, as Ward states it (src/orgs/orgs.schemas.ts, NAME_RULE).
 */
export const NAME_RULE = '2 to 40 lowercase letters, digits and dashes, starting with a letter or digit';
