/**
 * @module cli/files
 * Saving what Ward sends (PDFs, certificates) to a file the person named, readable by them alone.
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Api } from './client.js';

export async function download(api: Api, path: string, out: string, post?: unknown): Promise<void> {
  await pipeline(await api.stream(path, post), createWriteStream(out, { mode: 0o600 }));
}

export async function saveText(out: string, text: string): Promise<void> {
  await writeFile(out, text, { mode: 0o600 });
}
