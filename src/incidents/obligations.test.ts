/**
 * The deadline rules of the Breach Notification Rule as tables (every threshold, year ends with
 * leap years, both kinds of law-enforcement hold, agent and independent-contractor timing, a
 * business associate agreement's shorter period) and as properties over random dates and counts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from './days.js';
import type { HoldFacts } from './holds.js';
import { type ObligationFacts, obligationsOf, scheduleCheck } from './obligations.js';

const facts = (
  over: Partial<ObligationFacts> & { by_state?: Record<string, number> } = {},
): ObligationFacts => ({
  determination: 'breach',
  discovered_on: '2027-03-01',
  affected: {
    by_state: over.by_state ?? { MA: 10 },
    insufficient_contact: 0,
    deceased: 0,
    misuse_imminent: false,
    ...over.affected,
  },
  role: 'covered_entity',
  business_associate: null,
  holds: [],
  ...Object.fromEntries(Object.entries(over).filter(([k]) => k !== 'by_state' && k !== 'affected')),
});
const byId = (f: ObligationFacts) => new Map(obligationsOf(f).map((o) => [o.id, o]));
const hold = (h: Partial<HoldFacts> & Pick<HoldFacts, 'kind' | 'stated_on'>): HoldFacts => ({
  id: `hld_${h.kind}_${h.stated_on}`,
  until: null,
  official_name: 'Det. Ray',
  agency: 'FBI',
  statement: 'notice would impede the investigation',
  has_document: h.kind === 'written',
  ...h,
});

describe('thresholds', () => {
  it.each([
    // by_state, media States, secretary kind
    [{ MA: 499 }, [], 'secretary_annual'],
    [{ MA: 500 }, [], 'secretary'],
    [{ MA: 501 }, ['MA'], 'secretary'],
    [{ MA: 501, NH: 500 }, ['MA'], 'secretary'],
    [{ MA: 300, NH: 200 }, [], 'secretary'],
    [{ MA: 250, NH: 249 }, [], 'secretary_annual'],
    [{ MA: 400, NH: 400, VT: 400 }, [], 'secretary'],
    [{ CA: 2000, TX: 600, NY: 10 }, ['CA', 'TX'], 'secretary'],
  ] as [Record<string, number>, string[], string][])('%o → media %o, %s', (by_state, media, secretary) => {
    const o = byId(facts({ by_state }));
    expect([...o.keys()].filter((k) => k.startsWith('media:')).map((k) => k.slice(6))).toEqual(media);
    expect(o.has(secretary)).toBe(true);
    expect(o.has(secretary === 'secretary' ? 'secretary_annual' : 'secretary')).toBe(false);
    expect(o.get('individuals')?.deadline).toBe('2027-04-30');
    if (secretary === 'secretary') expect(o.get('secretary')?.deadline).toBe(o.get('individuals')?.deadline);
    for (const s of media) expect(o.get(`media:${s}`)?.deadline).toBe('2027-04-30');
  });

  it.each([
    [0, undefined],
    [9, '164.404(d)(2)(i)'],
    [10, '164.404(d)(2)(ii)'],
  ])('%i with insufficient contact information → %s', (n, citation) => {
    const o = byId(
      facts({
        affected: { by_state: { MA: 50 }, insufficient_contact: n, deceased: 0, misuse_imminent: false },
      }),
    );
    expect(o.get('substitute')?.citation).toBe(citation);
  });

  it('adds next of kin and urgent telephone notice', () => {
    const o = byId(
      facts({
        affected: { by_state: { MA: 5 }, insufficient_contact: 0, deceased: 2, misuse_imminent: true },
      }),
    );
    expect(o.get('next_of_kin')?.deadline).toBe('2027-04-30');
    expect(o.get('urgent_telephone')?.deadline).toBe('2027-03-01');
  });

  it('owes nothing when it is not a breach, and no dates without a discovery date', () => {
    expect(obligationsOf(facts({ determination: 'not_a_breach' }))).toEqual([]);
    const o = obligationsOf(facts({ discovered_on: null }));
    expect(o.every((x) => x.deadline === null)).toBe(true);
    expect(o[0]?.reason).toMatch(/record who knew when/);
  });
});

describe('year ends', () => {
  it.each([
    ['2027-12-31', '2028-02-29', '2028-02-29'],
    ['2028-02-29', '2029-03-01', '2028-04-29'],
    ['2027-01-01', '2028-02-29', '2027-03-02'],
    ['2028-12-31', '2029-03-01', '2029-03-01'],
    ['2026-06-15', '2027-03-01', '2026-08-14'],
    ['2031-11-20', '2032-02-29', '2032-01-19'],
  ])('discovered %s: annual log due %s, individuals by %s', (d, annual, individuals) => {
    const o = byId(facts({ discovered_on: d }));
    expect(o.get('secretary_annual')?.deadline).toBe(annual);
    expect(o.get('individuals')?.deadline).toBe(individuals);
  });
});

describe('law-enforcement holds', () => {
  const d = '2027-03-01'; // ceiling 2027-04-30
  it.each([
    [
      'written past the ceiling',
      [hold({ kind: 'written', stated_on: '2027-03-10', until: '2027-06-30' })],
      '2027-07-01',
    ],
    [
      'written inside the ceiling',
      [hold({ kind: 'written', stated_on: '2027-03-10', until: '2027-04-01' })],
      '2027-04-30',
    ],
    ['oral, 30 days at most', [hold({ kind: 'oral', stated_on: '2027-04-15' })], '2027-05-16'],
    ['oral inside the ceiling', [hold({ kind: 'oral', stated_on: '2027-03-05' })], '2027-04-30'],
    [
      'oral then written within 30 days: the written one governs',
      [
        hold({ kind: 'oral', stated_on: '2027-04-15' }),
        hold({ kind: 'written', stated_on: '2027-05-01', until: '2027-08-31' }),
      ],
      '2027-09-01',
    ],
    [
      'oral then a shorter written one: the written one governs',
      [
        hold({ kind: 'oral', stated_on: '2027-04-25' }),
        hold({ kind: 'written', stated_on: '2027-04-28', until: '2027-05-03' }),
      ],
      '2027-05-04',
    ],
    [
      'written after the oral one lapsed: both count',
      [
        hold({ kind: 'oral', stated_on: '2027-04-01' }),
        hold({ kind: 'written', stated_on: '2027-05-15', until: '2027-05-20' }),
      ],
      '2027-05-21',
    ],
  ] as [string, HoldFacts[], string][])('%s → %s', (_name, holds, deadline) => {
    const o = byId(facts({ discovered_on: d, holds, by_state: { MA: 600 } }));
    for (const id of ['individuals', 'media:MA', 'secretary']) expect(o.get(id)?.deadline).toBe(deadline);
    expect(o.get('individuals')?.ceiling).toBe('2027-04-30');
  });

  it('holds the annual log too', () => {
    const o = byId(
      facts({
        discovered_on: '2027-12-20',
        holds: [hold({ kind: 'written', stated_on: '2027-12-21', until: '2028-03-15' })],
      }),
    );
    expect(o.get('secretary_annual')?.deadline).toBe('2028-03-16');
  });
});

describe('business associates', () => {
  const ba = (agreement_days: number | null, agent: boolean | null) =>
    byId(
      facts({
        role: 'business_associate',
        business_associate: { covered_entity: 'Clinic', agreement_days, agent },
      }),
    );
  it.each([
    [null, '2027-04-30'],
    [60, '2027-04-30'],
    [30, '2027-03-31'],
    [10, '2027-03-11'],
  ])('agreement period %s → covered entity notified by %s', (days, deadline) => {
    const o = ba(days, true);
    expect(o.get('covered_entity')?.deadline).toBe(deadline);
    expect(o.has('individuals')).toBe(false);
  });
  it('agent: the covered entity’s clock starts at the business associate’s discovery', () => {
    expect(ba(30, true).get('covered_entity_clock')?.deadline).toBe('2027-04-30');
  });
  it('independent contractor: it starts when the covered entity learns of it', () => {
    expect(ba(30, false).get('covered_entity_clock')?.deadline).toBe('2027-05-30');
    expect(ba(null, false).get('covered_entity_clock')?.deadline).toBe('2027-06-29');
  });
  it('asks when agency is not said', () => {
    const c = ba(null, null).get('covered_entity_clock');
    expect(c?.deadline).toBeNull();
    expect(c?.reason).toMatch(/say whether/);
  });
});

describe('without unreasonable delay', () => {
  it('flags a notice scheduled later than it could be sent, and one after its deadline', () => {
    expect(scheduleCheck({ ready_on: '2027-03-05', scheduled_on: '2027-03-05' }, '2027-04-30', null)).toEqual(
      {
        could_send_on: '2027-03-05',
        delayed: false,
        late: false,
      },
    );
    expect(
      scheduleCheck({ ready_on: '2027-03-05', scheduled_on: '2027-03-20' }, '2027-04-30', null).delayed,
    ).toBe(true);
    expect(
      scheduleCheck({ ready_on: '2027-03-05', scheduled_on: '2027-05-02' }, '2027-04-30', null).late,
    ).toBe(true);
    expect(
      scheduleCheck({ ready_on: '2027-03-05', scheduled_on: '2027-06-01' }, '2027-07-01', '2027-05-31'),
    ).toEqual({
      could_send_on: '2027-06-01',
      delayed: false,
      late: false,
    });
  });
});

const dayArb = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const statesArb = fc.dictionary(
  fc.constantFrom('MA', 'NH', 'VT', 'CA', 'TX', 'NY', 'PR'),
  fc.integer({ min: 0, max: 2000 }),
  {
    minKeys: 1,
  },
);

describe('properties', () => {
  it('without a hold no individual deadline is after discovery + 60; media iff a State has more than 500; Secretary contemporaneous iff 500 or more', () => {
    fc.assert(
      fc.property(dayArb, statesArb, (d, by_state) => {
        const o = byId(facts({ discovered_on: d, by_state }));
        const total = Object.values(by_state).reduce((a, b) => a + b, 0);
        expect((o.get('individuals')?.deadline as string) <= addDays(d, 60)).toBe(true);
        expect([...o.keys()].some((k) => k.startsWith('media:'))).toBe(
          Object.values(by_state).some((n) => n > 500),
        );
        expect(o.has('secretary')).toBe(total >= 500);
        if (o.has('secretary')) expect(o.get('secretary')?.deadline).toBe(o.get('individuals')?.deadline);
        else expect((o.get('secretary_annual')?.deadline as string) > d).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('holds never shorten a deadline', () => {
    const holdArb = fc.record({
      kind: fc.constantFrom('written', 'oral') as fc.Arbitrary<'written' | 'oral'>,
      offset: fc.integer({ min: -30, max: 120 }),
      length: fc.integer({ min: 0, max: 200 }),
    });
    fc.assert(
      fc.property(dayArb, statesArb, fc.array(holdArb, { maxLength: 3 }), (d, by_state, hs) => {
        const holds = hs.map((h, n) =>
          hold({
            id: `h${n}`,
            kind: h.kind,
            stated_on: addDays(d, h.offset),
            until: h.kind === 'written' ? addDays(d, h.offset + h.length) : null,
          }),
        );
        const free = byId(facts({ discovered_on: d, by_state }));
        const held = byId(facts({ discovered_on: d, by_state, holds }));
        for (const [id, o] of free) {
          const h = held.get(id);
          expect((h?.deadline as string) >= (o.deadline as string)).toBe(true);
          expect(h?.ceiling).toBe(o.deadline);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('an oral hold alone never moves a deadline past the day after its 30 days', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 0, max: 90 }), (d, offset) => {
        const stated = addDays(d, offset);
        const o = byId(facts({ discovered_on: d, holds: [hold({ kind: 'oral', stated_on: stated })] }));
        const limit = [addDays(d, 60), addDays(stated, 31)].sort()[1] as string;
        expect((o.get('individuals')?.deadline as string) <= limit).toBe(true);
      }),
    );
  });
});
