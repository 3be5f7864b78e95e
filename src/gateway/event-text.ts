/**
 * @module gateway/event-text
 * The canonical text (RFC 8785, evidence/canonical) of the details of `db.statement` and
 * `db.statement.result`, written member by member in their sorted order instead of through the
 * generic writer, which sorts every object's keys and looks each value's type up: these two run
 * for every statement through the gateway, and their members are known here. The text is the
 * same bytes `canonicalize` writes (event-text.test.ts checks every member each may hold);
 * `gateway/events` hands it to the audit log with the details (`EventSpec.detailsText`), and the
 * writer hashes it instead of canonicalizing the details again. Nested values that are rare (a
 * refusal, subject tokens) go through `canonicalize`.
 */
import type { EventSpec } from '../audit/index.js';
import { canonicalize } from '../evidence/index.js';

type StatementDetails = EventSpec<'db.statement'>['details'];
type OutcomeDetails = EventSpec<'db.statement.result'>['details'];

/** A string, boolean or null as JSON (what `canonicalize` writes for them). */
function value(v: string | boolean | null): string {
  const text = JSON.stringify(v);
  if (text === undefined) throw new TypeError(`a statement event member is ${typeof v}`);
  return text;
}

/** A number as `canonicalize` writes it: finite only. */
function num(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`cannot canonicalize the number ${n}`);
  return JSON.stringify(n);
}

const numOrNull = (n: number | null) => (n === null ? 'null' : num(n));

export function statementDetailsText(d: StatementDetails): string {
  let t = `{"command":${value(d.command)},"fingerprint":${value(d.fingerprint)}`;
  if (d.previous !== undefined) t += `,"previous":${outcomeDetailsText(d.previous)}`;
  t += `,"protocol":${value(d.protocol)}`;
  if (d.refused !== undefined) t += `,"refused":${canonicalize(d.refused)}`;
  t += `,"seq":${num(d.seq)},"session_id":${value(d.session_id)},"statement":${value(d.statement)}`;
  if (d.statement_truncated !== undefined) t += `,"statement_truncated":${value(d.statement_truncated)}`;
  if (d.subjects !== undefined) t += `,"subjects":${canonicalize(d.subjects)}`;
  if (d.text_bytes !== undefined) t += `,"text_bytes":${num(d.text_bytes)}`;
  t += `,"text_id":${numOrNull(d.text_id)}`;
  if (d.text_sealed !== undefined) t += `,"text_sealed":${value(d.text_sealed)}`;
  return `${t},"tls":${value(d.tls)}}`;
}

export function outcomeDetailsText(d: OutcomeDetails): string {
  let t = '{';
  if (d.bulk_read !== undefined) t += `"bulk_read":${value(d.bulk_read)},`;
  t += `"command_tag":${value(d.command_tag)},"duration_ms":${num(d.duration_ms)},"rows":${numOrNull(d.rows)},"seq":${num(d.seq)},"session_id":${value(d.session_id)}`;
  if (d.skipped !== undefined) t += `,"skipped":${value(d.skipped)}`;
  t += `,"sqlstate":${value(d.sqlstate)}`;
  if (d.subject_count !== undefined) t += `,"subject_count":${num(d.subject_count)}`;
  if (d.subjects !== undefined) t += `,"subjects":${canonicalize(d.subjects)}`;
  if (d.uncovered_rows !== undefined) t += `,"uncovered_rows":${num(d.uncovered_rows)}`;
  return `${t}}`;
}
