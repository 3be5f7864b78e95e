/**
 * @module alerting/evaluator
 * Runs the rules as events are committed (the audit log's observer): each chain's events are
 * evaluated in seq order from an in-memory state; what they raise is written, with the state and
 * the seq it is true after, in one transaction a second (`flush`), never inside an append. A gap
 * (events another transaction committed, or a restart) is filled by reading the chain from the
 * last evaluated seq, so nothing is skipped; an alert's identity (rule, chain, seq) makes a second
 * evaluation of the same events insert nothing, so nothing is repeated.
 */
import { type AuditService, type CommittedEvent, chainHeads, committedAfter } from '../audit/index.js';
import type { AlertChannel, Db } from '../db/index.js';
import { inTransaction } from '../db/index.js';
import { SYSTEM } from '../lib/context.js';
import type { Logger } from '../lib/logger.js';
import { addDeliveries, insertAlerts, loadStates, type Raised, saveStates } from './alerts.store.js';
import { loadConfigs, type OrgConfigs } from './configs.js';
import { evaluate, type OrgRules, type Trigger } from './rules/evaluate.js';
import { emptyState, prune, type RuleState, stateFrom } from './rules/state.js';

const OPERATOR_CHAIN = 'operator';
/**
 * Changes the rules depend on, recorded in the chain itself: the chain pauses after one, the
 * settings are read again, and evaluation resumes where it paused, so no event after a change is
 * judged by the settings from before it. Projects come and go far more often and say all the rules
 * need in their own events (a project's audit level is fixed at creation), so those are applied
 * from the event without a pause (`projectChange`).
 */
const SETTING_CHANGES = new Set([
  'hipaa.enable',
  'hipaa.disable',
  'alert.rule.update',
  'alert.settings.update',
]);
const READ_PAGE = 2000;
const MAX_HELD = 20_000;
/** How long a gap before held events may stay open before the log is read for it. */
const GAP_WAIT_MS = 50;
/** State older than this is dropped when saved: the longest window a rule may have. */
const KEEP_MS = 7 * 86_400_000;

interface ChainRun {
  chain: string;
  /** The next seq to evaluate. */
  next: number;
  state: RuleState;
  org: OrgRules | null;
  catching: boolean;
  /**
   * Events committed while catching up or paused, kept to apply once the read reaches them (so a
   * chain under steady load is not read back from the database for ever); at most MAX_HELD.
   */
  held: { firstSeq: number; events: readonly CommittedEvent[] }[];
  heldCount: number;
  /** Evaluated past what is saved. */
  changed: boolean;
  /** The time of the last event evaluated: state is pruned against it, never the clock. */
  lastTime: string;
  /** After a change of settings, until they are read again. */
  paused: boolean;
  /** Set while a gap before held events is given time to close (`awaitGap`). */
  gapTimer: NodeJS.Timeout | undefined;
}

export function createEvaluator(deps: {
  db: Db;
  audit: Pick<AuditService, 'recordIn'>;
  /** Which ways out an alert takes besides the console (webhook always; e-mail with SMTP). */
  channels: AlertChannel[];
  /** Called after new alerts are saved (delivery looks at once). */
  onRaised(): void;
  log: Logger;
  flushEveryMs?: number;
  checkEveryMs?: number;
}) {
  const { db, log } = deps;
  const chains = new Map<string, ChainRun>();
  let configs: OrgConfigs = new Map();
  let raised: Raised[] = [];
  let started = false;
  let current: ChainRun | undefined;
  const timers: NodeJS.Timeout[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let checking: Promise<void> | undefined;

  const raise = (t: Trigger) => {
    const c = current as ChainRun;
    raised.push({ chain: c.chain, org_id: c.chain, trigger: t });
  };

  function run(chain: string, next: number, state = emptyState()): ChainRun {
    const c: ChainRun = {
      chain,
      next,
      state,
      org: configs.get(chain) ?? null,
      catching: false,
      held: [],
      heldCount: 0,
      changed: true,
      lastTime: '',
      paused: false,
      gapTimer: undefined,
    };
    chains.set(chain, c);
    return c;
  }

  function apply(c: ChainRun, seq: number, e: CommittedEvent): void {
    if (c.org) {
      current = c;
      evaluate(c.org, c.state, seq, e, raise);
    }
    c.next = seq + 1;
    c.changed = true;
    c.lastTime = e.time;
    if (SETTING_CHANGES.has(e.action)) {
      c.paused = true;
      void resume(c);
    } else if (c.org && (e.action === 'project.create' || e.action === 'project.delete')) {
      c.org = projectChange(c.org, e);
    }
  }

  /**
   * Reads the settings in a load that starts after this call (a change committed before it is
   * seen). Loads run one at a time; calls while one runs share the single load queued after it,
   * so a burst of changes costs two reads, not one each.
   */
  let loading: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  function refresh(): Promise<void> {
    if (!loading) {
      loading = loadConfigs(db)
        .then((read) => {
          configs = read;
          for (const c of chains.values()) c.org = configs.get(c.chain) ?? null;
        })
        .finally(() => {
          loading = undefined;
        });
      return loading;
    }
    queued ??= loading
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return refresh();
      });
    return queued;
  }

  /** Reads the settings again, then goes on where the chain paused (held events; the log for a gap). */
  async function resume(c: ChainRun): Promise<void> {
    try {
      await refresh();
    } catch (err) {
      log.warn({ err }, 'alert rules could not read their settings; going on with the last ones');
    } finally {
      c.paused = false;
      await catchUp(c, false);
    }
  }

  /**
   * Applies the held events that follow on from what was evaluated; true when a gap is left (held
   * events start past the next seq), which only reading the log fills.
   */
  function applyHeld(c: ChainRun): boolean {
    c.held.sort((a, b) => a.firstSeq - b.firstSeq);
    while (c.held.length > 0 && !c.paused) {
      const h = c.held[0] as ChainRun['held'][number];
      if (h.firstSeq > c.next) return true;
      c.held.shift();
      c.heldCount -= h.events.length;
      for (let i = 0; i < h.events.length; i++) {
        if (c.paused) {
          // Paused by a change of settings among them: the rest waits, held, for the resume.
          hold(c, h.firstSeq + i, h.events.slice(i));
          return false;
        }
        if (h.firstSeq + i >= c.next) apply(c, h.firstSeq + i, h.events[i] as CommittedEvent);
      }
    }
    return false;
  }

  function hold(c: ChainRun, firstSeq: number, events: readonly CommittedEvent[]): void {
    // Past the cap the events are not kept: the gap they leave is read from the log.
    if (c.heldCount + events.length > MAX_HELD) return;
    c.held.push({ firstSeq, events });
    c.heldCount += events.length;
  }

  /**
   * Evaluates what the chain has past `next`. `fromLog`: read the log first (a restart, a head seen
   * past what was evaluated); otherwise (resuming after a change of settings) the events held
   * meanwhile are applied, and the log is read only for a gap they leave.
   */
  async function catchUp(c: ChainRun, fromLog = true): Promise<void> {
    if (c.catching) return;
    c.catching = true;
    try {
      let read = fromLog;
      for (;;) {
        if (!read) {
          if (c.paused || !applyHeld(c)) break;
          read = true;
        }
        const page = await committedAfter(db, c.chain, c.next - 1, READ_PAGE);
        for (const { seq, event } of page) {
          if (c.paused) break;
          if (seq >= c.next) apply(c, seq, event);
        }
        if (c.paused) break;
        // A short page is the end of the log when read; what committed since is held.
        if (page.length < READ_PAGE && !applyHeld(c)) break;
      }
    } catch (err) {
      log.warn({ err, chain: c.chain }, 'alert rules could not read the audit chain; will try again');
    } finally {
      c.catching = false;
    }
  }

  function onCommitted(chain: string, firstSeq: number, events: readonly CommittedEvent[]): void {
    if (!started || chain === OPERATOR_CHAIN) return;
    const c = chains.get(chain) ?? run(chain, 1);
    if (c.catching || c.paused) {
      hold(c, firstSeq, events);
      return;
    }
    if (firstSeq > c.next) {
      // Usually a batch that committed just before this one and is reported just after it.
      hold(c, firstSeq, events);
      awaitGap(c);
      return;
    }
    for (let i = 0; i < events.length; i++) {
      // A change of settings pauses the chain: the rest waits, held, until they are read again.
      if (c.paused) {
        hold(c, firstSeq + i, events.slice(i));
        return;
      }
      const seq = firstSeq + i;
      if (seq >= c.next) apply(c, seq, events[i] as CommittedEvent);
    }
    if (c.held.length > 0 && !c.paused && applyHeld(c)) awaitGap(c);
  }

  /**
   * Reads the log for a gap before held events unless it closes within GAP_WAIT_MS: batches that
   * commit close together may be reported out of order; events other transactions committed
   * (`recordIn`) are never reported and are read.
   */
  function awaitGap(c: ChainRun): void {
    if (c.gapTimer) return;
    c.gapTimer = setTimeout(() => {
      c.gapTimer = undefined;
      const first = c.held.reduce((m, h) => Math.min(m, h.firstSeq), Number.POSITIVE_INFINITY);
      if (first > c.next && first !== Number.POSITIVE_INFINITY) void catchUp(c);
    }, GAP_WAIT_MS);
    c.gapTimer.unref();
  }

  /** Saves what was raised with the state it came from, in one transaction. */
  async function flushOnce(): Promise<void> {
    const batch = raised;
    const states = [...chains.values()]
      .filter((c) => c.changed)
      .map((c) => {
        c.changed = false;
        if (c.lastTime) c.state.t = Math.max(c.state.t, Date.parse(c.lastTime));
        prune(c.state, KEEP_MS);
        return { chain_id: c.chain, evaluated_seq: c.next - 1, state: JSON.stringify(c.state) };
      });
    if (batch.length === 0 && states.length === 0) return;
    raised = [];
    try {
      const inserted = await inTransaction(db, async (tx) => {
        const rows = await insertAlerts(tx, batch);
        await addDeliveries(
          tx,
          rows.map((r) => r.id),
          deps.channels,
        );
        if (rows.length)
          await deps.audit.recordIn(
            tx,
            SYSTEM,
            rows.map((r) => ({
              action: 'alert.raise' as const,
              chain: r.chain_id,
              target: { type: 'alert' as const, id: r.id, name: r.rule },
              details: {
                alert_id: r.id,
                rule: r.rule,
                seq: Number(r.seq),
                event_ids: r.event_ids,
                summary: r.summary,
              },
            })),
          );
        await saveStates(tx, states);
        return rows.length;
      });
      if (inserted > 0) deps.onRaised();
    } catch (err) {
      raised = [...batch, ...raised];
      for (const s of states) {
        const c = chains.get(s.chain_id);
        if (c) c.changed = true;
      }
      log.warn({ err }, 'alert rules could not save; will try again');
    }
  }

  const flush = (): Promise<void> => {
    flushing = flushing.then(flushOnce);
    return flushing;
  };

  /** Chains whose head is past what was evaluated (events from others' transactions): read them. */
  async function check(): Promise<void> {
    await refresh();
    const heads = await chainHeads(db);
    await Promise.all(
      [...heads]
        .filter(([chain]) => chain !== OPERATOR_CHAIN)
        .map(([chain, head]) => {
          const c = chains.get(chain) ?? run(chain, 1);
          return head >= c.next ? catchUp(c) : undefined;
        }),
    );
  }

  const checkNow = (): Promise<void> => {
    checking ??= check()
      .catch((err) => log.warn({ err }, 'alert rules could not check the audit chains'))
      .finally(() => {
        checking = undefined;
      });
    return checking;
  };

  return {
    onCommitted,
    /** Reads the rules' settings again now (after a change through the service). */
    reload: () => refresh(),
    /** Loads the saved states and catches every chain up from its evaluated seq. */
    async start(): Promise<void> {
      await refresh();
      const saved = await loadStates(db);
      const heads = await chainHeads(db);
      // The first start with the rules: history before it is not evaluated (no stale alerts).
      const firstStart = saved.length === 0;
      for (const s of saved) run(s.chain_id, Number(s.evaluated_seq) + 1, stateFrom(s.state)).changed = false;
      for (const [chain, head] of heads)
        if (chain !== OPERATOR_CHAIN && !chains.has(chain)) run(chain, firstStart ? head + 1 : 1);
      // Marks that the rules have started here, so a chain without state later is a new one.
      if (firstStart)
        await inTransaction(db, (tx) =>
          saveStates(tx, [{ chain_id: OPERATOR_CHAIN, evaluated_seq: 0, state: '{}' }]),
        );
      started = true;
      await Promise.all([...chains.values()].map((c) => catchUp(c)));
      await flush();
      timers.push(setInterval(() => void flush(), deps.flushEveryMs ?? 1000));
      timers.push(setInterval(() => void checkNow(), deps.checkEveryMs ?? 2000));
      for (const t of timers) t.unref();
    },
    /** After the log's writers stopped: evaluates what is left and saves. */
    async stop(): Promise<void> {
      for (const t of timers) clearInterval(t);
      for (const c of chains.values()) clearTimeout(c.gapTimer);
      await checking;
      await Promise.all([...chains.values()].map((c) => catchUp(c)));
      await flush();
      started = false;
    },
    flush,
  };
}

export type Evaluator = ReturnType<typeof createEvaluator>;

/** The rules' settings after a project was created or deleted, as its event says. */
function projectChange(org: OrgRules, e: CommittedEvent): OrgRules {
  const id = e.target.id;
  if (!id) return org;
  const projects = new Set(org.hipaa_projects);
  if (e.action === 'project.delete') projects.delete(id);
  else if (e.outcome === 'success' && e.details.audit_log_level === 'hipaa') projects.add(id);
  return { ...org, hipaa_projects: projects };
}
