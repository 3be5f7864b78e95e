/**
 * @module api/audit-types
 * The audit API's shapes as the console reads them, mirrored from src/audit/audit.schemas.ts and
 * the sinks contract (src/http/routes/audit-sinks.ts). test/console-audit.test.ts runs the console
 * against a real Ward, so a drift shows up there.
 */

export type Outcome = 'success' | 'failure' | 'denied';

export interface AuditEvent {
  chain: string;
  seq: number;
  id: string;
  time: string;
  action: string;
  outcome: Outcome | string;
  actor: Record<string, unknown>;
  target: Record<string, unknown>;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface AuditEventPage {
  events: AuditEvent[];
  next_cursor: string | null;
}

/** The list's filters, exactly as the query string of GET /orgs/{org}/audit-events takes them. */
export interface AuditFilters {
  actor?: string;
  action?: string;
  project?: string;
  outcome?: Outcome;
  since?: string;
  until?: string;
}

export interface VerifyReport {
  ok: boolean;
  chain: string;
  events: number;
  checkpoints: number;
  external_checkpoints: number;
  first_bad_seq: number | null;
  damage: 'modified' | 'deleted' | 'reordered' | 'truncated' | 'rolled_back' | 'forked' | null;
  detail: string | null;
}

export type ExportFormat = 'jsonl' | 'ocsf';

export type SinkKind = 'file' | 'syslog' | 'webhook';
export type SinkFormat = 'json' | 'ocsf';

export interface SinkView {
  id: string;
  name: string;
  kind: SinkKind;
  format: SinkFormat;
  /** A file path, host:port, or URL. */
  target: string;
  enabled: boolean;
  delivered_seq: number;
  head_seq: number;
  lag_events: number;
  lag_seconds: number | null;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  attempts: number;
  created_at: string;
}

export interface CreateSinkBody {
  name: string;
  kind: SinkKind;
  format?: SinkFormat;
  file_name?: string;
  host?: string;
  port?: number;
  url?: string;
  ca_pem?: string;
}

/** A new sink; a webhook's HMAC key comes once, here. */
export type CreatedSink = SinkView & { secret?: string };
