/**
 * @module witness
 * A transparency-log witness the customer runs on their own machine. It cosigns Ward's audit
 * checkpoints (one RFC 6962 log per chain) only after checking that each one extends the last one
 * it cosigned for that log, so Ward cannot show two histories without a witness noticing. It speaks
 * c2sp.org/tlog-witness (formats: signed-note, tlog-checkpoint, tlog-cosignature, in
 * evidence/note.ts):
 *
 *   POST /add-checkpoint   old size, consistency proof, empty line, signed checkpoint → one
 *                          cosignature line (200), or 400/403/404/409/422 as the spec says.
 *
 * and a Ward-specific monitoring extension, so that anyone can check what the witness vouched for:
 *
 *   GET /                             {"name","vkey","logs":[origins]}
 *   GET /checkpoint?origin=<origin>   the latest cosigned checkpoint as a signed note with the
 *                                     log's signature(s) the witness verified and its own
 *                                     cosignature (text/plain); 404 when none
 *   GET /history?origin=<origin>      every checkpoint cosigned for the log, oldest first, one
 *                                     {"size","root","timestamp"} per line (application/x-ndjson)
 *
 * Its data directory (0700) holds witness.key, witness.json (its name), witness.vkey (to register
 * with Ward), state.json and history.jsonl. It fails closed: no trusted log, a readable key, a
 * renamed witness or a non-loopback address without TLS stop it from starting.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ensureDir, exists } from '../lib/fs.js';
import { loadWitnessKey } from './keys.js';
import { baseUrl, isLoopbackHost, parseListen } from './listen.js';
import { lockDir } from './lock.js';
import { witnessHandler } from './server.js';
import { openStore } from './state.js';
import { createWitness, trustedLogs } from './witness.js';

export { parseListen } from './listen.js';

export interface WitnessOptions {
  /** `host:port` or `[ipv6]:port`; port 0 picks a free port. */
  listen: string;
  dataDir: string;
  /** The witness key's name, fixed on first start; default `witness-<8 hex of SHA-256(public key)>`. */
  name?: string;
  /** Trusted log verifier keys (type 0x01); a vkey's name is its log's origin. */
  logs: string[];
  /** Serve HTTPS with this certificate; required off loopback. */
  tls?: { certPem: string; keyPem: string };
  /** POSIX seconds (tests). */
  now?: () => number;
}

export interface RunningWitness {
  url: string;
  name: string;
  /** The witness's verifier key (also in `<dataDir>/witness.vkey`). */
  vkey: string;
  /** Stops listening, lets requests under way finish, and releases the data directory. */
  stop(): Promise<void>;
}

/** How long `stop` waits for requests under way before it closes their connections. */
const STOP_GRACE_MS = 5_000;

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export async function startWitness(opts: WitnessOptions): Promise<RunningWitness> {
  const { host, port } = parseListen(opts.listen);
  if (!opts.tls && !isLoopbackHost(host))
    throw new Error(
      `refusing to serve ${opts.listen} without TLS: pass tls (a certificate and key) or listen on 127.0.0.1`,
    );
  const logs = trustedLogs(opts.logs);
  if (!(await exists(opts.dataDir))) await ensureDir(opts.dataDir, 0o700);
  const lock = await lockDir(opts.dataDir);
  try {
    const key = await loadWitnessKey(opts.dataDir, opts.name);
    const store = await openStore(opts.dataDir);
    const now = opts.now ?? (() => Date.now() / 1000);
    const witness = createWitness({ key, logs, store, now });
    const handler = witnessHandler(witness, { name: key.name, vkey: key.vkey });
    const server: Server = opts.tls
      ? createHttpsServer({ cert: opts.tls.certPem, key: opts.tls.keyPem }, handler)
      : createHttpServer(handler);
    const bound = await listen(server, host, port);
    let stopping: Promise<void> | undefined;
    return {
      url: baseUrl(Boolean(opts.tls), host, bound),
      name: key.name,
      vkey: key.vkey,
      stop: () => {
        stopping ??= close(server)
          .then(() => store.idle())
          .finally(() => lock.release());
        return stopping;
      },
    };
  } catch (err) {
    await lock.release();
    throw err;
  }
}
