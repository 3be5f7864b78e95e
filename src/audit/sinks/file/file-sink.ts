/**
 * @module audit/sinks/file
 * A JSON-lines file under `$WARD_HOME/sinks/<chain>/<name>.jsonl` (0600), fsynced after every
 * batch. The first line is the same header an export carries, so the file verifies offline with
 * `ward audit verify --file`; a batch sent twice after a crash repeats identical lines, which the
 * verifier recognises as repeats.
 */
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureDir, exists } from '../../../lib/fs.js';
import type { SinkBatch, SinkTransport } from '../transport.js';

export function createFileSink(path: string, header: () => Record<string, unknown>): SinkTransport {
  return {
    async deliver(batch: SinkBatch) {
      await ensureDir(dirname(path), 0o700);
      const fresh = !(await exists(path));
      const handle = await open(path, 'a', 0o600);
      try {
        const lines = [...(fresh ? [header()] : []), ...batch.records]
          .map((r) => `${JSON.stringify(r)}\n`)
          .join('');
        await handle.appendFile(lines);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async close() {},
  };
}
