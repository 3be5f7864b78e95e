/**
 * @module gateway/registry
 * The live sessions of this gateway process, by id and by the cancel key the client was given.
 * A CancelRequest names a session only by that key (pid and a 32-bit secret), so keys are
 * random, never reused while live, and never the server's own.
 */
import { randomInt } from 'node:crypto';
import type { Session } from './session.js';

export function createRegistry() {
  const sessions = new Set<Session>();
  const byKey = new Map<string, Session>();
  const keyOf = (pid: number, secret: number) => `${pid}:${secret}`;

  return {
    /** A fresh (pid, secret) for BackendKeyData. */
    allocate(): { pid: number; secret: number } {
      for (;;) {
        const pid = randomInt(1, 2 ** 31 - 1);
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
