/**
 * @module cli/incident-format
 * What the incident commands share: paths, reading a JSON file, parsing counts per State, and the
 * obligations table (deadline, days left or overdue, recipient, citation, then each reason).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { orgPath } from './baa.js';
import { CliError } from './client.js';
import { printTable, say } from './output.js';

export interface Obligation {
  id: string;
  recipient: string;
  citation: string;
  deadline: string | null;
  days_left: number | null;
  met: boolean;
  reason: string;
}
export interface Incident {
  id: string;
  title: string;
  status: string;
  summary: string;
  reported_by: string;
  occurred_from: string | null;
  occurred_to: string | null;
  owner: { email: string } | null;
  discovery: { discovered_on: string | null; reason: string };
  determination: { determination: string; reason: string; open: string[] };
  hold: { until: string | null; reason: string };
  affected: { total: number; by_state: Record<string, number> };
  obligations: Obligation[];
  notices: {
    id: string;
    kind: string;
    recipient: string;
    scheduled_on: string;
    sent_at: string | null;
    sent_via: string | null;
    missing: string[];
    delayed: boolean;
  }[];
  audit_events: { id: string }[];
  timeline: { at: string; actor: string; summary: string }[];
}

export const incidentPath = (org: string, id?: string) =>
  `${orgPath(org)}/incidents${id ? `/${encodeURIComponent(id)}` : ''}`;

export async function readJsonFile(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new CliError(`cannot read '${file}'`, 2);
  });
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON`, 2);
  }
}

export const yesNo = (v: string, flag: string) => {
  if (v === 'yes') return true;
  if (v === 'no') return false;
  throw new CliError(`${flag} takes yes or no, not '${v}'`, 2);
};
export const count = (v: string, flag: string) => {
  if (!/^\d+$/.test(v)) throw new CliError(`${flag} takes a whole number, not '${v}'`, 2);
  return Number(v);
};

/** "MA=501,NH=20" → { MA: 501, NH: 20 } */
export function parseStates(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const m = /^\s*([^=]+?)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m)
      throw new CliError(
        `--affected takes STATE=COUNT pairs separated by commas (MA=501,NH=20), not '${part}'`,
        2,
      );
    out[m[1] as string] = Number(m[2]);
  }
  return out;
}

export function printObligations(list: Obligation[]): void {
  if (list.length === 0) {
    say('No notices are owed: the incident is not a breach.');
    return;
  }
  printTable(list, [
    { header: 'obligation', value: (o) => o.id },
    { header: 'deadline', value: (o) => o.deadline },
    {
      header: 'days left',
      value: (o) =>
        o.met
          ? 'met'
          : o.days_left === null
            ? '-'
            : o.days_left < 0
              ? `${-o.days_left} overdue`
              : o.days_left,
    },
    { header: 'recipient', value: (o) => o.recipient },
    { header: 'citation', value: (o) => o.citation },
  ]);
  for (const o of list) say(`${o.id}: ${o.reason}`);
}

export const byRef = (cmd: Command) =>
  cmd.argument('<incident>', 'the incident id (inc_…)').requiredOption('--org <org>', 'name or id');
export const collect = (v: string, all: string[]) => [...all, v];
