/**
 * @module dataplane/local/supervisor
 * Keeps clusters running. A cluster whose postmaster exits while it should be running is started
 * again with exponential backoff (0.1 s doubling to 5 s), forever; its state and restart count are
 * visible to the API. Stopping is explicit and waits for a clean shutdown.
 */
import type { ClusterHealth, ClusterState } from '../provider.js';
import type { ClusterHandle } from './cluster.js';

interface Entry {
  health: ClusterHealth;
  handle?: ClusterHandle;
  wanted: boolean;
  start: () => Promise<ClusterHandle>;
  stop: (h: ClusterHandle) => Promise<void>;
  timer?: NodeJS.Timeout;
}

export interface SupervisorEvents {
  onRestart?(id: string, reason: string): void;
  onError?(id: string, error: Error): void;
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;

export function createSupervisor(events: SupervisorEvents = {}) {
  const entries = new Map<string, Entry>();

  const setState = (e: Entry, state: ClusterState, extra: Partial<ClusterHealth> = {}) => {
    e.health = { ...e.health, ...extra, state, since: new Date().toISOString() };
  };

  function watch(id: string, e: Entry, handle: ClusterHandle) {
    e.handle = handle;
    setState(e, 'running', { pid: handle.pid, last_error: undefined });
    handle.exited.then((reason) => {
      if (e.handle !== handle) return;
      e.handle = undefined;
      if (!e.wanted || entries.get(id) !== e) return;
      setState(e, 'restarting', { pid: undefined, last_exit: reason });
      events.onRestart?.(id, reason);
      scheduleRestart(id, e, BACKOFF_MIN_MS);
    });
  }

  function scheduleRestart(id: string, e: Entry, delay: number) {
    e.timer = setTimeout(async () => {
      if (!e.wanted) return;
      try {
        const handle = await e.start();
        if (!e.wanted) {
          await e.stop(handle);
          return;
        }
        e.health.restarts += 1;
        watch(id, e, handle);
      } catch (err) {
        setState(e, 'restarting', { last_error: (err as Error).message });
        events.onError?.(id, err as Error);
        scheduleRestart(id, e, Math.min(delay * 2, BACKOFF_MAX_MS));
      }
    }, delay);
    e.timer.unref();
  }

  return {
    /** Starts the cluster and keeps it running. Rejects if the first start fails. */
    async manage(id: string, start: Entry['start'], stop: Entry['stop']): Promise<void> {
      if (entries.get(id)?.wanted) return;
      const e: Entry = {
        health: { state: 'starting', restarts: 0, since: new Date().toISOString() },
        wanted: true,
        start,
        stop,
      };
      entries.set(id, e);
      try {
        watch(id, e, await start());
      } catch (err) {
        entries.delete(id);
        throw err;
      }
    },

    async stop(id: string): Promise<void> {
      const e = entries.get(id);
      if (!e) return;
      e.wanted = false;
      if (e.timer) clearTimeout(e.timer);
      const handle = e.handle;
      if (handle) {
        setState(e, 'stopping');
        await e.stop(handle);
      }
      setState(e, 'stopped', { pid: undefined });
      entries.delete(id);
    },

    async stopAll(): Promise<void> {
      await Promise.all([...entries.keys()].map((id) => this.stop(id)));
    },

    health(id: string): ClusterHealth | undefined {
      const e = entries.get(id);
      return e ? { ...e.health } : undefined;
    },

    ids(): string[] {
      return [...entries.keys()];
    },
  };
}

export type Supervisor = ReturnType<typeof createSupervisor>;
