/**
 * @module cli/output
 * How commands answer: a table for people, JSON for scripts (`--json`), and on failure one line
 * on stderr and a non-zero exit.
 */
import Table from 'cli-table3';
import type { Command } from 'commander';
import { CliError } from './client.js';

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  return String(v);
}

export function printTable<T>(rows: T[], columns: Column<T>[]): void {
  const table = new Table({ head: columns.map((c) => c.header), style: { head: [], border: [] } });
  for (const row of rows) table.push(columns.map((c) => cell(c.value(row))));
  process.stdout.write(`${table.toString()}\n`);
}

export function printFields(fields: [string, unknown][]): void {
  const width = Math.max(...fields.map(([k]) => k.length));
  for (const [k, v] of fields) process.stdout.write(`${k.padEnd(width)}  ${cell(v)}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Wraps an action so that any failure is one line on stderr and a non-zero exit. */
// biome-ignore lint/suspicious/noExplicitAny: commander passes positional arguments of any shape
export function action(fn: (...args: any[]) => Promise<void>) {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  return async (...args: any[]) => {
    try {
      await fn(...args);
    } catch (err) {
      const code = err instanceof CliError ? err.exitCode : 1;
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`ward: ${message.split('\n')[0]}\n`);
      process.exit(code);
    }
  };
}

export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'print JSON for scripts instead of a table');
}

/** Parses "30d", "12h", "90m" into days (tokens expire in whole days, at least one). */
export function parseDays(text: string): number {
  const m = /^(\d+)\s*(d|days?)?$/i.exec(text.trim());
  if (!m) throw new CliError(`--expires-in '${text}' is not a number of days such as 30d`, 2);
  return Number(m[1]);
}
