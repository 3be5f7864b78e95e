/**
 * @module incidents/obligations
 * Every notice the Breach Notification Rule (45 CFR 164.400–414) requires after a breach of
 * unsecured PHI, with its recipient, its deadline and the reason, in calendar days with no
 * weekend or holiday extension. Pure: facts in, obligations out. docs/adr/0037 explains each rule.
 */
import { addDays, earlierOf, laterOf, yearEnd } from './days.js';
import { type HoldFacts, holdEffect } from './holds.js';

/** "In no case later than 60 calendar days after discovery" (164.404(b), 164.406(b), 164.410(b)). */
export const CEILING_DAYS = 60;
/** Media notice and contemporaneous notice to the Secretary: more than / at least this many. */
export const MEDIA_THRESHOLD = 500;
export const SECRETARY_THRESHOLD = 500;
/** Substitute notice by web posting or major media from this many (164.404(d)(2)(ii)). */
export const SUBSTITUTE_POSTING_FROM = 10;
/** How long the web posting and the toll-free number must stay up (164.404(d)(2)(ii)). */
export const POSTING_DAYS = 90;

export interface Affected {
  /** Affected individuals per State or jurisdiction of residence (two-letter codes, or any name). */
  by_state: Record<string, number>;
  /** How many of them Ward's org has insufficient or out-of-date contact information for. */
  insufficient_contact: number;
  /** Deceased individuals whose next of kin or personal representative's address is known. */
  deceased: number;
  /** Whether misuse may be imminent (urgent notice by telephone, 164.404(d)(3)). */
  misuse_imminent: boolean;
}

export interface BusinessAssociateFacts {
  /** The covered entity the org serves in this incident. */
  covered_entity: string;
  /** A shorter period than 60 days set by the business associate agreement, in days. */
  agreement_days: number | null;
  /** Whether the org acts as the covered entity's agent (federal common law of agency); null: not said. */
  agent: boolean | null;
}

export interface ObligationFacts {
  determination: 'breach' | 'not_a_breach';
  discovered_on: string | null;
  affected: Affected;
  /** `business_associate` when the org is a business associate of a covered entity here. */
  role: 'covered_entity' | 'business_associate';
  business_associate: BusinessAssociateFacts | null;
  holds: readonly HoldFacts[];
}

export type ObligationKind =
  | 'individuals'
  | 'substitute'
  | 'next_of_kin'
  | 'urgent_telephone'
  | 'media'
  | 'secretary'
  | 'secretary_annual'
  | 'covered_entity'
  | 'covered_entity_clock';

export interface Obligation {
  id: string;
  kind: ObligationKind;
  recipient: string;
  citation: string;
  /** The last day to send it, holds included; null while there is no discovery date (or never, for information). */
  deadline: string | null;
  /** The deadline before any law-enforcement hold. */
  ceiling: string | null;
  /** The last day of the law-enforcement hold that moved the deadline, when one did. */
  held_until: string | null;
  reason: string;
}

export const totalAffected = (a: Affected): number =>
  Object.values(a.by_state).reduce((sum, n) => sum + n, 0);

export function obligationsOf(f: ObligationFacts): Obligation[] {
  if (f.determination === 'not_a_breach') return [];
  const hold = holdEffect(f.holds);
  const d = f.discovered_on;
  const at = (ceiling: string | null) => {
    if (!ceiling) return { deadline: null, ceiling: null, held_until: null };
    // Notices are held through the hold's last day; the first day after it is the earliest they
    // may go, and the deadline when the hold reaches past the ceiling (the reading that is never late).
    const moved = hold.until !== null && hold.until >= ceiling;
    return {
      deadline: moved ? addDays(hold.until as string, 1) : ceiling,
      ceiling,
      held_until: moved ? hold.until : null,
    };
  };
  const why = (base: string, times: ReturnType<typeof at>) =>
    !d
      ? `${base}; no deadline yet: record who knew when (164.404(a)(2))`
      : times.held_until
        ? `${base}; moved to ${times.deadline}, the day after the hold: ${hold.reason}`
        : base;
  const within60 = d ? addDays(d, CEILING_DAYS) : null;
  const out: Obligation[] = [];
  const push = (o: Omit<Obligation, 'deadline' | 'ceiling' | 'held_until'>, ceiling: string | null) => {
    const times = at(ceiling);
    out.push({ ...o, ...times, reason: why(o.reason, times) });
  };

  if (f.role === 'business_associate') {
    const ba = f.business_associate;
    const days = ba?.agreement_days && ba.agreement_days < CEILING_DAYS ? ba.agreement_days : CEILING_DAYS;
    const ceDeadline = d ? earlierOf(addDays(d, days), within60 as string) : null;
    push(
      {
        id: 'covered_entity',
        kind: 'covered_entity',
        recipient: ba?.covered_entity ?? 'the covered entity',
        citation: '164.410',
        reason: `a business associate notifies the covered entity without unreasonable delay and no later than ${days} days after discovery${days < CEILING_DAYS ? ' (the shorter period its agreement sets)' : ''}, with the identity of each affected individual to the extent known (164.410(b), (c))`,
      },
      ceDeadline,
    );
    const clock = ba?.agent;
    const times = at(ceDeadline);
    out.push({
      id: 'covered_entity_clock',
      kind: 'covered_entity_clock',
      recipient: ba?.covered_entity ?? 'the covered entity',
      citation: '164.404(a)(2)',
      ceiling: null,
      held_until: null,
      deadline:
        !d || clock === null || clock === undefined
          ? null
          : clock
            ? addDays(d, CEILING_DAYS)
            : addDays(times.deadline as string, CEILING_DAYS),
      reason:
        clock === null || clock === undefined
          ? "say whether the org acts as the covered entity's agent: it decides when the covered entity's own 60 days start"
          : clock
            ? `as the covered entity's agent, the org's discovery is the covered entity's: its 60 days to notify individuals started on ${d ?? 'the discovery date'} (164.404(a)(2))`
            : `as an independent contractor, the covered entity's 60 days start when it learns of the breach, at the latest on receiving this notice; the date shown assumes the notice arrives on its deadline (164.404(a)(2), 164.410)`,
    });
    return out;
  }

  const a = f.affected;
  const total = totalAffected(a);
  push(
    {
      id: 'individuals',
      kind: 'individuals',
      recipient: `each affected individual (${total}), by first-class mail or e-mail if they agreed`,
      citation: '164.404(b), (d)(1)',
      reason: 'without unreasonable delay and in no case later than 60 calendar days after discovery',
    },
    within60,
  );
  if (a.insufficient_contact > 0)
    push(
      a.insufficient_contact < SUBSTITUTE_POSTING_FROM
        ? {
            id: 'substitute',
            kind: 'substitute',
            recipient: `the ${a.insufficient_contact} individual(s) without sufficient contact information`,
            citation: '164.404(d)(2)(i)',
            reason: `fewer than ${SUBSTITUTE_POSTING_FROM} with insufficient or out-of-date contact information: substitute notice by an alternative form of written notice, telephone or other means`,
          }
        : {
            id: 'substitute',
            kind: 'substitute',
            recipient: `the ${a.insufficient_contact} individuals without sufficient contact information`,
            citation: '164.404(d)(2)(ii)',
            reason: `${SUBSTITUTE_POSTING_FROM} or more with insufficient or out-of-date contact information: a conspicuous posting for ${POSTING_DAYS} days on the home page of the org's web site, or notice in major print or broadcast media where they likely live, with a toll-free number active for at least ${POSTING_DAYS} days`,
          },
      within60,
    );
  if (a.deceased > 0)
    push(
      {
        id: 'next_of_kin',
        kind: 'next_of_kin',
        recipient: `the next of kin or personal representative of ${a.deceased} deceased individual(s)`,
        citation: '164.404(d)(1)(ii)',
        reason: 'written notice by first-class mail where their address is known',
      },
      within60,
    );
  if (a.misuse_imminent)
    push(
      {
        id: 'urgent_telephone',
        kind: 'urgent_telephone',
        recipient: 'affected individuals, by telephone or other means',
        citation: '164.404(d)(3)',
        reason:
          'misuse may be imminent: notify as soon as possible by telephone or other means, in addition to the written notice',
      },
      d,
    );
  for (const [state, n] of Object.entries(a.by_state).sort(([x], [y]) => x.localeCompare(y))) {
    if (n <= MEDIA_THRESHOLD) continue;
    push(
      {
        id: `media:${state}`,
        kind: 'media',
        recipient: `prominent media outlets serving ${state}`,
        citation: '164.406',
        reason: `${n} residents of ${state} affected, more than ${MEDIA_THRESHOLD}: media notice without unreasonable delay and no later than 60 days after discovery`,
      },
      within60,
    );
  }
  if (total >= SECRETARY_THRESHOLD)
    push(
      {
        id: 'secretary',
        kind: 'secretary',
        recipient: 'the Secretary of HHS (breach portal)',
        citation: '164.408(b)',
        reason: `${total} individuals affected, ${SECRETARY_THRESHOLD} or more: notice to the Secretary contemporaneously with the notice to individuals`,
      },
      within60,
    );
  else {
    const annual = d ? addDays(yearEnd(d), CEILING_DAYS) : null;
    push(
      {
        id: 'secretary_annual',
        kind: 'secretary_annual',
        recipient: 'the Secretary of HHS (annual log of breaches under 500)',
        citation: '164.408(c)',
        reason: `${total} individuals affected, fewer than ${SECRETARY_THRESHOLD}: in the log submitted no later than 60 days after the end of the calendar year of discovery${d ? ` (${yearEnd(d)})` : ''}`,
      },
      annual,
    );
  }
  return out;
}

/** Whether a notice's schedule needs a reason, and how it stands against its deadline. */
export interface ScheduleCheck {
  /** The first day it could be sent: when it is ready, or after the hold. */
  could_send_on: string;
  /** Scheduled later than it could be sent: "without unreasonable delay" needs a reason. */
  delayed: boolean;
  /** Scheduled after its deadline. */
  late: boolean;
}

export function scheduleCheck(
  s: { ready_on: string; scheduled_on: string },
  deadline: string | null,
  holdUntil: string | null,
): ScheduleCheck {
  const could = holdUntil ? laterOf(s.ready_on, addDays(holdUntil, 1)) : s.ready_on;
  return {
    could_send_on: could,
    delayed: s.scheduled_on > could,
    late: deadline !== null && s.scheduled_on > deadline,
  };
}
