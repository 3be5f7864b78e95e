/**
 * The 164.402 determination, who-knew-when's discovery date (164.404(a)(2)) and what a
 * law-enforcement hold must document (164.412).
 */
import { describe, expect, it } from 'vitest';
import { type Assessment, determine, type Factor } from './assessment.js';
import { discoveryOf, type Knowledge } from './discovery.js';
import { holdEffect, missingForHold } from './holds.js';

const low: Factor = { finding: 'names only', evidence: 'audit events', supports_low_probability: true };
const all: Assessment = {
  factors: {
    nature: { ...low, identifiers: ['name'], reidentification: 'low: no other identifiers' },
    recipient: low,
    acquired: low,
    mitigation: low,
  },
  exclusions: {},
  unsecured: true,
};

describe('determine', () => {
  it('presumes a breach without an assessment', () => {
    expect(determine(null).determination).toBe('breach');
  });
  it('is not a breach when every factor is recorded and supports a low probability', () => {
    expect(determine(all)).toMatchObject({ determination: 'not_a_breach', open: [] });
  });
  it('is a breach when one factor is missing or does not support a low probability', () => {
    const { mitigation: _m, ...three } = all.factors;
    expect(determine({ ...all, factors: three })).toMatchObject({
      determination: 'breach',
      open: ['factor mitigation: finding and evidence'],
    });
    expect(
      determine({
        ...all,
        factors: { ...all.factors, acquired: { ...low, supports_low_probability: false } },
      }).open,
    ).toEqual(['factor acquired does not support a low probability']);
    expect(
      determine({ ...all, factors: { ...all.factors, recipient: { ...low, evidence: ' ' } } }).determination,
    ).toBe('breach');
  });
  it('needs the identifiers and re-identification for factor (i)', () => {
    expect(determine({ ...all, factors: { ...all.factors, nature: low } }).determination).toBe('breach');
  });
  it('applies an exclusion only with its basis', () => {
    const base: Assessment = {
      factors: {},
      exclusions: { ii: { applies: true, basis: '' } },
      unsecured: true,
    };
    expect(determine(base).determination).toBe('breach');
    expect(
      determine({ ...base, exclusions: { ii: { applies: true, basis: 'nurse to nurse, same hospital' } } }),
    ).toMatchObject({
      determination: 'not_a_breach',
      reason: expect.stringMatching(/164\.402\(1\)\(ii\)/),
    });
    expect(determine({ ...base, exclusions: { i: { applies: false, basis: 'no' } } }).determination).toBe(
      'breach',
    );
  });
  it('is not a breach of unsecured PHI when it was encrypted per HHS guidance, with the basis', () => {
    expect(
      determine({
        factors: {},
        exclusions: {},
        unsecured: false,
        secured_basis: 'AES-256 disk, key in the HSM',
      }).determination,
    ).toBe('not_a_breach');
    expect(determine({ factors: {}, exclusions: {}, unsecured: false }).determination).toBe('breach');
  });
});

const k = (person: string, known_on: string, committed_breach = false): Knowledge => ({
  person,
  relation: 'workforce',
  known_on,
  basis: 'knew',
  committed_breach,
});

describe('discoveryOf', () => {
  it('is the earliest day among people other than the one who committed the breach', () => {
    expect(
      discoveryOf([k('Eve', '2027-01-01', true), k('Bob', '2027-01-09'), k('Ann', '2027-01-05')]),
    ).toMatchObject({
      discovered_on: '2027-01-05',
      by: 'Ann',
    });
  });
  it('is unknown while only the person who committed it knew', () => {
    expect(discoveryOf([k('Eve', '2027-01-01', true)]).discovered_on).toBeNull();
    expect(discoveryOf([]).discovered_on).toBeNull();
  });
  it('counts the day someone would have known by reasonable diligence', () => {
    expect(
      discoveryOf([
        k('Bob', '2027-02-01'),
        { ...k('Agent A', '2027-01-20'), relation: 'agent', basis: 'should_have_known' },
      ]).discovered_on,
    ).toBe('2027-01-20');
  });
});

describe('holds', () => {
  const base = {
    stated_on: '2027-03-01',
    until: null,
    official_name: null,
    agency: null,
    statement: null,
    has_document: false,
  };
  it('names what an oral statement lacks', () => {
    expect(missingForHold({ ...base, kind: 'oral' })).toEqual([
      "agency (the official's agency)",
      'statement (what the official stated)',
      'official_name (the identity of the official, 164.412(b))',
    ]);
  });
  it('names what a written statement lacks', () => {
    expect(missingForHold({ ...base, kind: 'written', agency: 'FBI', statement: 'hold' })).toEqual([
      'until (the end of the period the written statement specifies)',
      'document (the written statement itself)',
    ]);
  });
  it('lets a written statement within 30 days govern an oral one', () => {
    const e = holdEffect([
      { ...base, id: 'o', kind: 'oral', official_name: 'Det. Ray', agency: 'FBI', statement: 's' },
      {
        ...base,
        id: 'w',
        kind: 'written',
        stated_on: '2027-03-20',
        until: '2027-03-25',
        agency: 'FBI',
        statement: 's',
        has_document: true,
      },
    ]);
    expect(e).toMatchObject({ until: '2027-03-25', by: 'w' });
    expect(e.each[0]?.superseded_by).toBe('w');
  });
});
