/**
 * An alert webhook for tests: an HTTP server on 127.0.0.1 that answers `ok` and keeps what it was
 * sent, in order: each body parsed as JSON (`bodies`), and the raw requests (`requests`).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface Webhook {
  url: string;
  bodies: any[];
  requests: { headers: IncomingHttpHeaders; raw: string }[];
  close(): Promise<void>;
}

export async function startWebhook(): Promise<Webhook> {
  const bodies: any[] = [];
  const requests: Webhook['requests'] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      requests.push({ headers: req.headers, raw });
      bodies.push(JSON.parse(raw));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
