/**
 * @module witness/state
 * What the witness has cosigned, durable before it answers. `history.jsonl` gets one line per
 * newly cosigned checkpoint (appended and fsynced first: it is the record of every promise made),
 * then `state.json` (the latest checkpoint per origin) is replaced atomically. A crash between the
 * two leaves history ahead of state; the next start takes the newer history entry. Writes go
 * through one queue, so each state.json written holds every commit before it; a failed write
 * breaks the store until a restart reconciles the files (fail closed: never answer from a state
 * the disk may not hold).
 */
import { open, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { exists, writeFileAtomic } from '../lib/fs.js';

export const STATE_FILE = 'state.json';
export const HISTORY_FILE = 'history.jsonl';

/** The latest checkpoint cosigned for an origin. */
export interface Cosigned {
  size: number;
  root: Buffer;
  /** The cosignature's time, POSIX seconds. */
  timestamp: number;
  /** The checkpoint with the log signatures verified and the witness's cosignature. */
  note: string;
}

export interface HistoryEntry {
  size: number;
  root: string;
  timestamp: number;
}

export interface WitnessStore {
  latest(origin: string): Cosigned | undefined;
  /** Makes `entry` the latest for `origin`, on disk, then in memory. */
  commit(origin: string, entry: Cosigned): Promise<void>;
  /** Every checkpoint cosigned for `origin`, oldest first. */
  history(origin: string): Promise<HistoryEntry[]>;
  /** Resolves when no write is under way. */
  idle(): Promise<void>;
}

interface Stored {
  size: number;
  root: string;
  timestamp: number;
  note: string;
}
type HistoryLine = Stored & { origin: string };

function checked(value: unknown, where: string): Stored {
  const v = value as Partial<Stored> | null;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    Number.isSafeInteger(v.size) &&
    (v.size as number) >= 0 &&
    typeof v.root === 'string' &&
    Buffer.from(v.root, 'base64').length === 32 &&
    Number.isSafeInteger(v.timestamp) &&
    typeof v.note === 'string';
  if (!ok) throw new Error(`${where} is not a witness record; restore the data directory from a backup`);
  return v as Stored;
}

const toCosigned = (s: Stored): Cosigned => ({ ...s, root: Buffer.from(s.root, 'base64') });
const toStored = (c: Cosigned): Stored => ({ ...c, root: c.root.toString('base64') });

async function appendSynced(path: string, line: string): Promise<void> {
  const handle = await open(path, 'a', 0o600);
  try {
    await handle.writeFile(line);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The complete lines of history.jsonl; a torn last line (a crash mid-append) is cut off. */
async function readHistory(path: string, repair: boolean): Promise<HistoryLine[]> {
  if (!(await exists(path))) return [];
  const text = await readFile(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (repair && end < text.length) await truncate(path, Buffer.byteLength(text.slice(0, end)));
  return text
    .slice(0, end)
    .split('\n')
    .slice(0, -1)
    .map((line, i) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      const origin = (parsed as { origin?: unknown } | undefined)?.origin;
      if (typeof origin !== 'string') throw new Error(`${path} line ${i + 1} is not a witness record`);
      return { ...checked(parsed, `${path} line ${i + 1}`), origin };
    });
}

async function readState(path: string): Promise<Map<string, Cosigned>> {
  const latest = new Map<string, Cosigned>();
  if (!(await exists(path))) return latest;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new Error(`${path} is not JSON; restore the data directory from a backup`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${path} is not a witness state; restore the data directory from a backup`);
  for (const [origin, value] of Object.entries(parsed))
    latest.set(origin, toCosigned(checked(value, `${path} (${origin})`)));
  return latest;
}

export async function openStore(dir: string): Promise<WitnessStore> {
  const statePath = join(dir, STATE_FILE);
  const historyPath = join(dir, HISTORY_FILE);
  const latest = await readState(statePath);
  let behind = false;
  for (const line of await readHistory(historyPath, true)) {
    const known = latest.get(line.origin);
    if (known && known.size >= line.size) continue;
    latest.set(line.origin, toCosigned(line));
    behind = true;
  }
  const snapshot = (next: Map<string, Cosigned>) =>
    `${JSON.stringify(Object.fromEntries([...next].map(([o, c]) => [o, toStored(c)])), null, 1)}\n`;
  if (behind) await writeFileAtomic(statePath, snapshot(latest), 0o600);
  // Created (and its directory entry fsynced) once here, so each append needs only the file's fsync.
  if (!(await exists(historyPath))) await writeFileAtomic(historyPath, '', 0o600);

  let queue: Promise<unknown> = Promise.resolve();
  let broken: Error | undefined;
  const inQueue = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    latest: (origin) => latest.get(origin),
    commit: (origin, entry) =>
      inQueue(async () => {
        if (broken)
          throw new Error(`the witness could not write its state earlier (${broken.message}); restart it`);
        try {
          const line: HistoryLine = { origin, ...toStored(entry) };
          await appendSynced(historyPath, `${JSON.stringify(line)}\n`);
          const next = new Map(latest).set(origin, entry);
          await writeFileAtomic(statePath, snapshot(next), 0o600);
          latest.set(origin, entry);
        } catch (err) {
          broken = err as Error;
          throw err;
        }
      }),
    history: (origin) =>
      inQueue(async () =>
        (await readHistory(historyPath, false))
          .filter((l) => l.origin === origin)
          .map(({ size, root, timestamp }) => ({ size, root, timestamp })),
      ),
    idle: () => inQueue(async () => undefined),
  };
}
