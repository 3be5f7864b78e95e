/**
 * @module witness/server
 * The witness's HTTP edge (node:http, or node:https with a certificate): it reads a bounded body,
 * calls the witness, and writes the answer. Errors are one line of text; a stale old size is the
 * 409 `text/x.tlog.size` body tlog-witness prescribes. Nothing is logged.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, MalformedRequest, parseAddCheckpoint } from './request.js';
import { Refusal, type Witness } from './witness.js';

export interface ServerInfo {
  name: string;
  vkey: string;
}

const TEXT = 'text/plain; charset=utf-8';

function send(res: ServerResponse, status: number, body: string, type = TEXT): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const oneLine = (message: string) => `${message.replace(/\s*\n\s*/g, ' ')}\n`;

/** The request body, or undefined when it is over the limit (the rest is read and dropped). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) resolve(undefined);
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) resolve(undefined);
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function addCheckpoint(witness: Witness, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (!body) {
    res.setHeader('connection', 'close');
    return send(res, 400, oneLine(`the body is over ${MAX_BODY_BYTES} bytes`));
  }
  try {
    send(res, 200, await witness.addCheckpoint(parseAddCheckpoint(body)));
  } catch (err) {
    if (err instanceof MalformedRequest) return send(res, 400, oneLine(err.message));
    if (err instanceof Refusal && err.latestSize !== undefined)
      return send(res, err.status, `${err.latestSize}\n`, 'text/x.tlog.size');
    if (err instanceof Refusal) return send(res, err.status, oneLine(err.message));
    throw err;
  }
}

function monitoring(
  witness: Witness,
  info: ServerInfo,
  path: string,
  query: URLSearchParams,
  res: ServerResponse,
) {
  if (path === '/')
    return send(res, 200, `${JSON.stringify({ ...info, logs: witness.origins() })}\n`, 'application/json');
  const origin = query.get('origin');
  if (!origin) return send(res, 400, oneLine(`${path}?origin=<log origin> names the log`));
  if (path === '/checkpoint') {
    const latest = witness.latest(origin);
    return latest
      ? send(res, 200, latest.note)
      : send(res, 404, oneLine('the witness has cosigned no checkpoint of that log'));
  }
  return witness
    .history(origin)
    .then((entries) =>
      send(res, 200, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), 'application/x-ndjson'),
    );
}

const ROUTES: Record<string, string> = {
  '/add-checkpoint': 'POST',
  '/': 'GET',
  '/checkpoint': 'GET',
  '/history': 'GET',
};

export function witnessHandler(witness: Witness, info: ServerInfo): RequestListener {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://witness');
    const method = ROUTES[url.pathname];
    if (!method) return send(res, 404, oneLine(`no such endpoint: ${url.pathname.slice(0, 100)}`));
    if (req.method !== method) {
      res.setHeader('allow', method);
      return send(res, 405, oneLine(`${url.pathname} takes ${method}`));
    }
    if (method === 'POST') return addCheckpoint(witness, req, res);
    return monitoring(witness, info, url.pathname, url.searchParams, res);
  };
  return (req, res) => {
    handle(req, res).catch((err: Error) => {
      if (res.headersSent) res.destroy();
      else send(res, 500, oneLine(`the witness failed: ${err.message}`));
    });
  };
}
