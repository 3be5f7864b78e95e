/**
 * @module gateway/registry
 * The live sessions of this gateway process, by id and by the cancel key the client was given.
 * The key's pid is the server backend's own (what pg_backend_pid() and every notification carry,
 * so clients recognise their own notifications); its 32-bit secret is the gateway's, random and
 * never the server's, so a CancelRequest names a session only if it came from that session's
 * client. Two clusters may hand out the same pid: the pair is never reused while live.
 */
import { randomInt } from 'node:crypto';
import type { Session } from './session.js';

export function createRegistry() {
  const sessions = new Set<Session>();
  const byKey = new Map<string, Session>();
  const keyOf = (pid: number, secret: number) => `${pid}:${secret}`;

  return {
    /** The key for BackendKeyData: the server's pid (a random one if it sent none), a fresh secret. */
    allocate(serverPid: number): { pid: number; secret: number } {
      for (;;) {
        const pid = serverPid > 0 ? serverPid : randomInt(1, 2 ** 31 - 1);
        const secret = randomInt(-(2 ** 31), 2 ** 31 - 1);
        if (!byKey.has(keyOf(pid, secret))) return { pid, secret };
      }
    },
    add(s: Session): void {
      sessions.add(s);
      byKey.set(keyOf(s.key.pid, s.key.secret), s);
    },
    remove(s: Session): void {
      sessions.delete(s);
      byKey.delete(keyOf(s.key.pid, s.key.secret));
    },
    /** Cancels the statement of the session the key names; an unknown key does nothing. */
    cancel(pid: number, secret: number): void {
      byKey.get(keyOf(pid, secret))?.cancel();
    },
    all: (): Session[] => [...sessions],
    get size(): number {
      return sessions.size;
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
