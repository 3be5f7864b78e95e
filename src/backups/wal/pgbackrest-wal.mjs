#!/usr/bin/env node
// pgbackrest-wal: the archive_command and restore_command of Ward's project clusters.
//
// PostgreSQL runs it as the service user for each WAL file. It holds no secret and touches no
// repository: it asks the running Ward, over a Unix socket in a 0700 directory of the service
// user, to run `pgbackrest archive-push` (or `archive-get`) with the project's repository
// passphrase in pgBackRest's environment, and exits 0 only when Ward says it is done. Ward copies
// this file to $WARD_HOME/bin at start (docs/adr/0040-wal-archiving-through-ward.md).
//
//   pgbackrest-wal.mjs <socket> push <project> <%p>
//   pgbackrest-wal.mjs <socket> get <project> <%f> <%p>
//   pgbackrest-wal.mjs --check            (exits 0: Ward checks that the service user can run it)
import { connect } from 'node:net';
import { resolve } from 'node:path';

if (process.argv[2] === '--check') process.exit(0);
const [socket, op, project, first, second] = process.argv.slice(2);
const request =
  op === 'push'
    ? { op, project, path: resolve(process.cwd(), first ?? '') }
    : { op, project, file: first, dest: resolve(process.cwd(), second ?? '') };

const conn = connect(socket ?? '');
let answer = '';
const timer = setTimeout(
  () => finish({ ok: false, error: 'Ward did not answer within 15 minutes' }),
  900_000,
);

function finish(reply) {
  clearTimeout(timer);
  conn.destroy();
  if (!reply.ok && !reply.missing) process.stderr.write(`pgbackrest-wal: ${reply.error ?? 'failed'}\n`);
  process.exit(reply.ok ? 0 : 1);
}

conn.on('connect', () => conn.write(`${JSON.stringify(request)}\n`));
conn.on('data', (chunk) => {
  answer += chunk.toString('utf8');
  const end = answer.indexOf('\n');
  if (end < 0) return;
  try {
    finish(JSON.parse(answer.slice(0, end)));
  } catch {
    finish({ ok: false, error: 'Ward sent an answer that is not JSON' });
  }
});
conn.on('error', (err) => finish({ ok: false, error: `cannot reach Ward at ${socket}: ${err.message}` }));
conn.on('close', () => finish({ ok: false, error: 'Ward closed the connection without answering' }));
