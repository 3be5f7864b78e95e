/**
 * @module keys/hsm/monitor
 * Keeps each org's HSM root key open and watched. At start it opens every org's keystore (the
 * PIN unsealed with Ward's system key); one that cannot be opened leaves its org unavailable, and
 * Ward starts anyway. Then it probes each key every `everyMs` (backing off to at most a minute
 * while it fails), so a disabled, deleted or unreachable key is noticed within a minute:
 *
 * - unavailable: the org's cached keys are evicted, its running projects suspended and stopped,
 *   the gateway refuses new sessions naming the key, `key.hsm.unavailable` is recorded and sent
 *   to the org's alert webhook;
 * - available again: the suspended projects start, `key.hsm.available` is recorded and sent.
 *
 * A keystore that failed to open is opened again at each probe, except after a refused PIN:
 * trying a wrong PIN again would lock the token.
 */
import type { AuditService } from '../../audit/index.js';
import type { Db, OrgRootKey, Tx } from '../../db/index.js';
import { SYSTEM } from '../../lib/context.js';
import type { Logger } from '../../lib/logger.js';
import type { KeyService } from '../keys.service.js';
import {
  openPkcs11Keystore,
  type Pkcs11Keystore,
  type Pkcs11KeystoreOptions,
  type ProbeResult,
} from '../keystores/pkcs11/index.js';
import { describeRoot } from '../roots.js';
import * as store from './hsm.store.js';
import { unsealPin } from './pin.js';

/** What the monitor needs of the org's projects (projects/suspension.ts fits it). */
export interface OrgProjects {
  suspend(tx: Tx, orgId: string, reason: string): Promise<{ id: string; name: string }[]>;
  stop(ids: string[]): Promise<void>;
  resume(orgId: string): Promise<string[]>;
}

/** Sends a security alert to the org's webhook (access.alerts.send fits it). */
export type RootKeyAlert = (orgId: string, alert: string, payload: Record<string, unknown>) => void;

export type OpenKeystore = (opts: Pkcs11KeystoreOptions) => Promise<Pkcs11Keystore>;

/** The longest wait between probes of a key that fails: four intervals, at most a minute. */
export const MAX_BACKOFF_MS = 60_000;
const backoffCap = (everyMs: number) => Math.max(everyMs, Math.min(MAX_BACKOFF_MS, 4 * everyMs));

interface Watched {
  row: OrgRootKey & { org_name: string };
  keystore?: Pkcs11Keystore;
  available: boolean;
  since: Date;
  /** Why it is unavailable; kept while a refused PIN stops retries. */
  reason?: string;
  pinRefused: boolean;
  delay: number;
  timer?: NodeJS.Timeout;
  checking?: Promise<void>;
  gone: boolean;
}

const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);

export function createHsmMonitor(deps: {
  db: Db;
  audit: AuditService;
  keys: KeyService;
  projects: OrgProjects;
  alert: RootKeyAlert;
  everyMs: number;
  log: Logger;
  open?: OpenKeystore;
}) {
  const { db, audit, keys, log } = deps;
  const open = deps.open ?? openPkcs11Keystore;
  const watched = new Map<string, Watched>();
  let stopped = false;

  const where = (w: Watched) => describeRoot(w.row.keystore_id);
  const problem = (w: Watched, reason: string) =>
    `the root key of '${w.row.org_name}' (${where(w)}) is unavailable: ${sentence(reason)}`;

  async function tryOpen(w: Watched): Promise<ProbeResult> {
    if (w.pinRefused) return { ok: false, reason: w.reason ?? 'the PIN was refused' };
    try {
      const pin = await unsealPin(keys, w.row.org_id, w.row.pin_sealed);
      w.keystore = await open({ module: w.row.module, token: w.row.token, keyLabel: w.row.key_label, pin });
      keys.roots.add(w.keystore);
      return { ok: true };
    } catch (err) {
      const message = (err as Error).message;
      if (/PIN/.test(message)) {
        w.pinRefused = true;
        w.reason = `${sentence(message)} Ward does not try this PIN again (the token would lock it); set the HSM up again with the right PIN`;
        return { ok: false, reason: w.reason };
      }
      return { ok: false, reason: message };
    }
  }

  /**
   * `news`: the key was usable until now (recorded, alerted); otherwise it already was unavailable
   * (a restart while it is), and only projects that still run are suspended.
   */
  async function becameUnavailable(w: Watched, reason: string, news: boolean): Promise<void> {
    const orgId = w.row.org_id;
    const why = problem(w, reason);
    keys.roots.setProblem(orgId, why);
    keys.evictOrg(orgId);
    w.available = false;
    w.reason = reason;
    const statusReason = `${why} Ward stopped this project and starts it again once the key is usable.`;
    if (!news) {
      const left = await db.transaction().execute((tx) => deps.projects.suspend(tx, orgId, statusReason));
      await deps.projects.stop(left.map((p) => p.id));
      return;
    }
    const suspended = await audit.mutate(
      SYSTEM,
      {
        action: 'key.hsm.unavailable',
        chain: orgId,
        target: { type: 'org', id: orgId, name: w.row.org_name },
        details: { keystore_id: w.row.keystore_id, reason, projects_stopped: [] },
      },
      async (tx, draft) => {
        await store.setRootKeyState(tx, orgId, 'unavailable', reason.slice(0, 1000));
        const projects = await deps.projects.suspend(tx, orgId, statusReason);
        draft.details.projects_stopped = projects.map((p) => p.id);
        return projects;
      },
    );
    w.since = new Date();
    await deps.projects.stop(suspended.map((p) => p.id));
    log.warn({ org: orgId, key: w.row.keystore_id, reason }, "an org's root key is unavailable");
    deps.alert(orgId, 'key.hsm.unavailable', {
      key: where(w),
      keystore_id: w.row.keystore_id,
      reason,
      projects_stopped: suspended.map((p) => p.name),
    });
  }

  async function becameAvailable(w: Watched): Promise<void> {
    const orgId = w.row.org_id;
    keys.roots.setProblem(orgId, undefined);
    const started = await deps.projects.resume(orgId);
    const since = w.since.toISOString();
    await audit.mutate(
      SYSTEM,
      {
        action: 'key.hsm.available',
        chain: orgId,
        target: { type: 'org', id: orgId, name: w.row.org_name },
        details: { keystore_id: w.row.keystore_id, projects_started: started, unavailable_since: since },
      },
      (tx) => store.setRootKeyState(tx, orgId, 'available', null),
    );
    w.available = true;
    w.since = new Date();
    w.reason = undefined;
    log.info({ org: orgId, key: w.row.keystore_id }, "an org's root key is usable again");
    deps.alert(orgId, 'key.hsm.available', {
      key: where(w),
      keystore_id: w.row.keystore_id,
      projects_started: started,
    });
  }

  async function check(w: Watched): Promise<void> {
    const result = w.keystore ? await w.keystore.probe() : await tryOpen(w);
    if (w.gone) return;
    if (result.ok && !w.available) await becameAvailable(w);
    else if (!result.ok && w.available) await becameUnavailable(w, result.reason, true);
    w.delay = result.ok ? deps.everyMs : Math.min(w.delay * 2, backoffCap(deps.everyMs));
  }

  function schedule(w: Watched): void {
    if (stopped || w.gone) return;
    w.timer = setTimeout(() => {
      w.checking = check(w)
        .catch((err) =>
          log.error({ org: w.row.org_id, err: (err as Error).message }, 'probing a root key failed'),
        )
        .finally(() => schedule(w));
    }, w.delay);
    w.timer.unref();
  }

  const entry = (row: Watched['row'], keystore?: Pkcs11Keystore): Watched => ({
    row,
    keystore,
    available: row.state === 'available',
    since: row.state_since,
    reason: row.reason ?? undefined,
    pinRefused: false,
    delay: deps.everyMs,
    gone: false,
  });

  return {
    /** At start, before anything unwraps: assigns every HSM org its root and opens what opens. */
    async openAll(): Promise<void> {
      for (const row of await store.allRootKeys(db)) {
        keys.roots.assign(row.org_id, row.keystore_id);
        const w = entry(row);
        watched.set(row.org_id, w);
        const opened = await tryOpen(w);
        if (!opened.ok) w.reason = opened.reason;
      }
    },

    /**
     * Before the provisioner resumes projects: an org whose key is unavailable has its projects
     * suspended (so they are not started), one whose key came back has them started; then probing.
     */
    async start(): Promise<void> {
      for (const w of watched.values()) {
        const ok = w.keystore ? await w.keystore.probe() : { ok: false as const, reason: w.reason ?? '' };
        if (ok.ok && !w.available) await becameAvailable(w);
        else if (!ok.ok) await becameUnavailable(w, ok.reason, w.available);
        schedule(w);
      }
    },

    /** A key just set up (hsm.service): watched from now on. */
    watch(row: Watched['row'], keystore: Pkcs11Keystore): void {
      const w = entry(row, keystore);
      watched.set(row.org_id, w);
      schedule(w);
    },

    /** A key just removed: no longer watched, its keystore closed. */
    async unwatch(orgId: string): Promise<void> {
      const w = watched.get(orgId);
      if (!w) return;
      w.gone = true;
      clearTimeout(w.timer);
      watched.delete(orgId);
      await w.checking;
      keys.roots.remove(w.row.keystore_id);
      await w.keystore?.close();
    },

    /** Whether Ward holds an open session with the org's token (a new PIN could not be checked then). */
    isOpen: (orgId: string): boolean => watched.get(orgId)?.keystore !== undefined,

    /** A keystore opened with a new PIN (hsm.service): watched from now on, probed at once. */
    async renew(orgId: string, keystore: Pkcs11Keystore, pinSealed: Buffer): Promise<void> {
      const w = watched.get(orgId);
      if (!w) return void (await keystore.close());
      clearTimeout(w.timer);
      await w.checking;
      clearTimeout(w.timer); // the check that was running scheduled the next one
      w.row = { ...w.row, pin_sealed: pinSealed };
      w.keystore = keystore;
      w.pinRefused = false;
      w.delay = deps.everyMs;
      keys.roots.add(keystore);
      w.checking = check(w)
        .catch((err) => log.error({ org: orgId, err: (err as Error).message }, 'probing a root key failed'))
        .finally(() => schedule(w));
      await w.checking;
    },

    /** Whether the org's key is usable, and why not, as the last probe found. */
    stateOf(orgId: string): { available: boolean; reason?: string } | undefined {
      const w = watched.get(orgId);
      return w && { available: w.available, reason: w.reason };
    },

    async stop(): Promise<void> {
      stopped = true;
      for (const w of watched.values()) {
        clearTimeout(w.timer);
        await w.checking;
        keys.roots.remove(w.row.keystore_id);
        await w.keystore?.close();
      }
      watched.clear();
    },
  };
}

export type HsmMonitor = ReturnType<typeof createHsmMonitor>;
