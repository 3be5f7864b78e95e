/**
 * Looking for values in files as an attacker with the disk would: every byte, streamed in chunks
 * that overlap by the longest value, so a file of any size (a sparse volume image) can be read.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Which of `needles` (by index) occur in the file at `path`. */
export async function needlesIn(path: string, needles: Buffer[]): Promise<Set<number>> {
  const found = new Set<number>();
  const overlap = Math.max(0, ...needles.map((n) => n.length)) - 1;
  let tail = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) {
    const window = tail.length ? Buffer.concat([tail, chunk as Buffer]) : (chunk as Buffer);
    needles.forEach((n, i) => {
      if (!found.has(i) && window.includes(n)) found.add(i);
    });
    if (found.size === needles.length) break;
    tail = Buffer.from(window.subarray(Math.max(0, window.length - overlap)));
  }
  return found;
}

export const fileContains = async (path: string, needle: string): Promise<boolean> =>
  (await needlesIn(path, [Buffer.from(needle)])).size > 0;

/** Every regular file under `dir` that holds `needle`. */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (await fileContains(path, needle)) found.push(path);
  }
  return found;
}
