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
 * settings are read again, and evaluation resumes from the log, so no event after a change is
 * judged by the settings from before it.
 */
const SETTING_CHANGES = new Set([
  'hipaa.enable',
  'hipaa.disable',
  'project.create',
  'project.delete',
  'alert.rule.update',
  'alert.settings.update',
]);
const READ_PAGE = 2000;
/** State older than this is dropped when saved: the longest window a rule may have. */
const KEEP_MS = 7 * 86_400_000;

interface ChainRun {
  chain: string;
  /** The next seq to evaluate. */
  next: number;
  state: RuleState;
  org: OrgRules | null;
  catching: boolean;
  /** Events were committed while catching up: read again before stopping. */
  missed: boolean;
  /** Evaluated past what is saved. */
  changed: boolean;
  /** The time of the last event evaluated: state is pruned against it, never the clock. */
  lastTime: string;
  /** After a change of settings, until they are read again. */
  paused: boolean;
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
      missed: false,
      changed: true,
      lastTime: '',
      paused: false,
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
    }
  }

  /** Reads the settings; a read that started earlier never overwrites a later one. */
  let loads = 0;
  let applied = 0;
  async function refresh(): Promise<void> {
    const gen = ++loads;
    const read = await loadConfigs(db);
    if (gen < applied) return;
    applied = gen;
    configs = read;
    for (const c of chains.values()) c.org = configs.get(c.chain) ?? null;
  }

  /** Reads the settings again, then goes on from the log where the chain paused. */
  async function resume(c: ChainRun): Promise<void> {
    try {
      await refresh();
    } catch (err) {
      log.warn({ err }, 'alert rules could not read their settings; going on with the last ones');
    } finally {
      c.paused = false;
      await catchUp(c);
    }
  }

  async function catchUp(c: ChainRun): Promise<void> {
    if (c.catching) return;
    c.catching = true;
    try {
      for (;;) {
        c.missed = false;
        const page = await committedAfter(db, c.chain, c.next - 1, READ_PAGE);
        for (const { seq, event } of page) {
          if (c.paused) break;
          if (seq >= c.next) apply(c, seq, event);
        }
        if (c.paused || (page.length < READ_PAGE && !c.missed)) break;
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
      c.missed = true;
      return;
    }
    if (firstSeq > c.next) {
      void catchUp(c);
      return;
    }
    for (let i = 0; i < events.length && !c.paused; i++) {
      const seq = firstSeq + i;
      if (seq >= c.next) apply(c, seq, events[i] as CommittedEvent);
    }
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
      await checking;
      await Promise.all([...chains.values()].map((c) => catchUp(c)));
      await flush();
      started = false;
    },
    flush,
  };
}

export type Evaluator = ReturnType<typeof createEvaluator>;
