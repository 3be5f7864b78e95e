/**
 * @module lib/compliance-format
 * How the console names the compliance center's terms for people: safeguards with their section
 * of 45 CFR, control states and their colours, who is responsible, decisions; who may read the
 * posture; and which controls recovered recently (for the banner).
 */
import type { Control, ControlState, DecisionKind, Safeguard } from '../api/compliance-types';

/** The Security Rule's safeguards, in the rule's order. */
export const SAFEGUARDS: readonly { id: Safeguard; title: string; section: string }[] = [
  { id: 'administrative', title: 'Administrative safeguards', section: '164.308' },
  { id: 'physical', title: 'Physical safeguards', section: '164.310' },
  { id: 'technical', title: 'Technical safeguards', section: '164.312' },
  { id: 'organizational', title: 'Organizational requirements', section: '164.314' },
  { id: 'documentation', title: 'Policies and documentation', section: '164.316' },
];

export const STATE_LABELS: Record<ControlState, string> = {
  passing: 'passing',
  failing: 'failing',
  attested: 'attested',
  alternative: 'alternative',
  not_applicable: 'not applicable',
};

export const STATE_COLORS: Record<ControlState, string> = {
  passing: 'green',
  failing: 'red',
  attested: 'teal',
  alternative: 'blue',
  not_applicable: 'gray',
};

export const RESPONSIBILITY_LABELS: Record<Control['responsibility'], string> = {
  ward: 'Ward',
  shared: 'Shared',
  customer: 'Customer',
};

export const KIND_LABELS: Record<Control['kind'], string> = {
  required: 'Required',
  addressable: 'Addressable',
};

export const DECISION_LABELS: Record<DecisionKind, string> = {
  implemented: 'Implemented',
  alternative: 'Alternative measure',
  not_reasonable: 'Not reasonable and appropriate',
  not_applicable: 'Does not apply',
};

/** Whose role lets them read the posture (compliance.read); null is the operator. */
export const readsCompliance = (role: string | null | undefined) =>
  role === null || role === 'owner' || role === 'admin' || role === 'auditor';

const DAY_MS = 86_400_000;

/** Required controls met again within the last day, after failing. */
export function recovered(controls: readonly Control[], now = Date.now()): Control[] {
  return controls.filter(
    (c) =>
      c.kind === 'required' &&
      c.state !== 'failing' &&
      c.previous_state === 'failing' &&
      now - new Date(c.since).getTime() < DAY_MS,
  );
}

export const failingRequired = (controls: readonly Control[]): Control[] =>
  controls.filter((c) => c.kind === 'required' && c.state === 'failing');

/** An ISO time as the reader's local date and time. */
export const localTime = (iso: string): string => new Date(iso).toLocaleString();

/** An ISO time, short, for a table cell ("Dec 7, 2026, 8:14 AM" in English). */
export const shortTime = (iso: string): string =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Where the org's audit log lists the changes of compliance controls. */
export const controlEventsUrl = (org: string, control: string) =>
  `/orgs/${encodeURIComponent(org)}/audit?action=compliance.*&target=${encodeURIComponent(control)}`;
