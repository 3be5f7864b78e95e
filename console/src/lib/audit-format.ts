/**
 * @module lib/audit-format
 * How the console writes audit events for people: who acted, on what, and when; and the audit
 * page's filters as they travel in its address (so a filtered view can be linked and reloaded).
 */
import type { AuditEvent, AuditFilters, Outcome } from '../api/audit-types';

/** Ward's retention when the org sets none: six years (2192 days), also the HIPAA minimum. */
export const DEFAULT_RETENTION_DAYS = 2192;

export const OUTCOMES: readonly Outcome[] = ['success', 'failure', 'denied'];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The actor's email, "ward" for Ward itself, or "anonymous (ip)". */
export function actorLabel(actor: AuditEvent['actor']): string {
  if (actor.type === 'system') return str(actor.id) ?? 'ward';
  if (actor.type === 'anonymous') return `anonymous (${str(actor.ip) ?? 'no address'})`;
  const who = str(actor.email) ?? str(actor.id) ?? 'unknown';
  return actor.service === true ? `${who} (service account)` : who;
}

/** The target's type and its name, else its id. */
export function targetLabel(target: AuditEvent['target']): string {
  const type = str(target.type) ?? 'unknown';
  const name = str(target.name) ?? str(target.id);
  return name ? `${type} ${name}` : type;
}

export const RANGES = {
  any: { label: 'Any time', ms: 0 },
  hour: { label: 'Last hour', ms: 3_600_000 },
  day: { label: 'Last day', ms: 86_400_000 },
  week: { label: 'Last 7 days', ms: 7 * 86_400_000 },
  custom: { label: 'Custom', ms: 0 },
} as const;
export type Range = keyof typeof RANGES;

const FILTER_KEYS = ['actor', 'action', 'project', 'outcome', 'target', 'since', 'until'] as const;

export const rangeFrom = (params: URLSearchParams): Range => {
  const r = params.get('range');
  if (r && r in RANGES) return r as Range;
  return params.get('since') || params.get('until') ? 'custom' : 'any';
};

/**
 * The filters in the page's address (`?action=project.*&range=day`). A relative range becomes its
 * `since` as of `now`, so a reloaded "last hour" means the last hour again.
 */
export function filtersFrom(params: URLSearchParams, now = Date.now()): AuditFilters {
  const f: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) f[k] = v;
  }
  const range = rangeFrom(params);
  if (range !== 'custom') {
    delete f.since;
    delete f.until;
    if (RANGES[range].ms) f.since = new Date(now - RANGES[range].ms).toISOString();
  }
  return f as AuditFilters;
}

/** The address for applied filters: a relative range is kept by name, a custom one as times. */
export function paramsFor(filters: AuditFilters, range: Range): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = filters[k];
    const isTime = k === 'since' || k === 'until';
    if (v && (!isTime || range === 'custom')) p.set(k, v);
  }
  if (range !== 'any') p.set('range', range);
  return p;
}

/** An ISO time as a `datetime-local` input's value (local time, minutes), and back. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The applied filters in words ("action project.*, since …"), empty when there are none. */
export function describeFilters(f: AuditFilters): string {
  const parts = [
    f.actor && `actor ${f.actor}`,
    f.action && `action ${f.action}`,
    f.project && `project ${f.project}`,
    f.outcome && `outcome ${f.outcome}`,
    f.since && `since ${new Date(f.since).toLocaleString()}`,
    f.until && `until ${new Date(f.until).toLocaleString()}`,
  ];
  return parts.filter(Boolean).join(', ');
}

export const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : 'never');
