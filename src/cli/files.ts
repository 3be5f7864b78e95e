/**
 * @module cli/files
 * Saving what Ward sends (PDFs, certificates) to a file the person named, readable by them alone.
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebStream } from 'node:stream/web';
import type { Api } from './client.js';

export async function download(api: Api, path: string, out: string, post?: unknown): Promise<void> {
  const body = (await api.stream(path, post)) as unknown as WebStream<Uint8Array>;
  await pipeline(Readable.fromWeb(body), createWriteStream(out, { mode: 0o600 }));
}

export async function saveText(out: string, text: string): Promise<void> {
  await writeFile(out, text, { mode: 0o600 });
}
