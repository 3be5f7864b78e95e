/**
 * @module accounting/schemas
 * API shapes (zod) of the accounting of access: subject keys, the coverage of the last day's
 * statements, who read a subject's rows, and which of an org's candidates a person's statements
 * reached. Identifiers arrive in request bodies (never in a path or query string, which access
 * logs keep) and never come back in an answer. The same schemas produce the OpenAPI document.
 */
import { z } from 'zod';
import { CASE_RULES } from './tokens.js';

export const subjectKeyId = z.string().regex(/^sbk_[a-z2-7]{16}$/, 'a subject key id looks like sbk_…');

export const addSubjectKeyBody = z.strictObject({
  column: z
    .string()
    .min(3)
    .max(200)
    .describe('table.column or schema.table.column, for example patients.mrn or clinic.visits.patient_id'),
  case_rule: z
    .enum(CASE_RULES)
    .default('exact')
    .describe('exact: values match as stored (trimmed); fold: letters match whatever their case'),
});
export type AddSubjectKeyBody = z.infer<typeof addSubjectKeyBody>;

export const subjectKeyView = z.object({
  id: z.string(),
  project_id: z.string(),
  column: z.string().describe('schema.table.column'),
  case_rule: z.enum(CASE_RULES),
  table_oid: z.number(),
  attnum: z.number(),
  views: z.array(z.string()).describe('view columns that show this column, matched as it is'),
  created_at: z.string(),
});
export type SubjectKeyView = z.infer<typeof subjectKeyView>;

export const uncoveredTable = z.object({
  table: z.string(),
  statements: z.number().describe('statements in the last day that touched the table'),
  examples: z.array(z.string()).describe('their normalized text (literals removed), the most frequent first'),
});

export const subjectKeysView = z.object({
  keys: z.array(subjectKeyView),
  uncovered_tables: z
    .array(uncoveredTable)
    .describe('tables without a declared key that statements touched in the last day'),
  statements_scanned: z.number(),
});
export type SubjectKeysView = z.infer<typeof subjectKeysView>;

/** A duration back from now: 6y, 90d, 12h, 30m. */
export const sinceText = z
  .string()
  .regex(/^\d{1,4}[ydhm]$/, 'give a duration such as 6y, 90d, 12h or 30m')
  .describe('how far back to look: 6y, 90d, 12h, 30m');

export const whoReadBody = z.strictObject({
  subject: z.string().min(1).max(200).describe('the identifier, as stored in a declared column (never kept)'),
  since: sinceText.default('6y'),
});
export type WhoReadBody = z.infer<typeof whoReadBody> & { format?: 'json' | 'csv' | 'pdf' };

export const whoReadReportBody = whoReadBody.extend({
  format: z.enum(['csv', 'pdf']).describe('csv: one line an access; pdf: the accounting report'),
});

export const accessView = z.object({
  time: z.string(),
  event_id: z.string(),
  actor: z.string().describe('the person’s email or the service account'),
  actor_kind: z.enum(['person', 'service']),
  role: z.string().nullable().describe('their project role in that session'),
  statement: z.string().nullable().describe('normalized: literals removed'),
  command: z.string(),
  match: z
    .enum(['returned', 'predicate', 'both'])
    .describe('returned in a row, named in the statement’s predicate, or both'),
  client_address: z.string().nullable(),
  session_id: z.string(),
  break_glass_reason: z.string().nullable(),
  bulk_read: z.boolean(),
});
export type AccessView = z.infer<typeof accessView>;

export const whoReadView = z.object({
  org: z.string(),
  project_id: z.string(),
  project: z.string(),
  since: z.string(),
  accesses: z.array(accessView),
});
export type WhoReadView = z.infer<typeof whoReadView>;

export const candidate = z.strictObject({
  identifier: z.string().min(1).max(200),
  state: z.string().max(60).default(''),
});

export const subjectsReachedBody = z.strictObject({
  actor: z.string().min(3).max(320).describe('the person’s email or the service account’s name'),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  candidates: z.array(candidate).min(1).max(1_000_000).describe('the org’s roster: identifier and State'),
});
export type SubjectsReachedBody = z.infer<typeof subjectsReachedBody>;

export const subjectsReachedView = z.object({
  project_id: z.string(),
  actor: z.string(),
  from: z.string(),
  to: z.string(),
  statements: z.number().describe('the actor’s statements in the window'),
  candidates: z.number(),
  reached: z.number().describe('distinct candidates the statements reached'),
  by_state: z.array(z.object({ state: z.string(), count: z.number() })),
  uncovered_rows: z.number().describe('rows returned for which no subject could be determined'),
});
export type SubjectsReachedView = z.infer<typeof subjectsReachedView>;
