/**
 * @module incidents/discovery
 * 45 CFR 164.404(a)(2): a breach is treated as discovered on the first day it is known, or by
 * exercising reasonable diligence would have been known, to any workforce member or agent other
 * than the person who committed it. The record keeps who knew when; the date is derived here.
 */

export interface Knowledge {
  person: string;
  /** A member of the workforce, or an agent (federal common law of agency). */
  relation: 'workforce' | 'agent';
  /** The day they knew, or by reasonable diligence would have known. */
  known_on: string;
  basis: 'knew' | 'should_have_known';
  /** Whether this is the person who committed the breach (their knowledge does not count). */
  committed_breach: boolean;
}

export interface Discovery {
  /** Null while nobody other than the person who committed the breach is recorded. */
  discovered_on: string | null;
  /** Who the date comes from. */
  by: string | null;
  reason: string;
}

export function discoveryOf(entries: readonly Knowledge[]): Discovery {
  const counted = entries.filter((k) => !k.committed_breach);
  if (counted.length === 0)
    return {
      discovered_on: null,
      by: null,
      reason:
        entries.length === 0
          ? 'nobody is recorded as knowing of the breach yet (164.404(a)(2))'
          : 'only the person who committed the breach is recorded; their knowledge does not start the clock (164.404(a)(2))',
    };
  const first = counted.reduce((a, b) => (b.known_on < a.known_on ? b : a));
  return {
    discovered_on: first.known_on,
    by: first.person,
    reason: `${first.person} (${first.relation}) ${first.basis === 'knew' ? 'knew' : 'would have known by reasonable diligence'} on ${first.known_on}, the earliest among people other than the one who committed the breach (164.404(a)(2))`,
  };
}
