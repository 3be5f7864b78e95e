/**
 * Helpers for the compliance center's tests: an org's posture through the API, the controls a
 * check decides, and the two halves of every live check's test: break the condition and see
 * exactly that check's controls fail with the scores falling as their kinds say; fix it and see
 * them pass again with nothing else moved.
 */
import { expect } from 'vitest';
import { CATALOG } from '../../src/compliance/catalog.js';
import type { CheckId } from '../../src/compliance/checks/check.js';
import { scores } from '../../src/compliance/posture.js';
import type { ControlState } from '../../src/db/index.js';
import { call } from './access.js';
import type { TestWard } from './ward.js';

export interface Control {
  id: string;
  check: string;
  kind: 'required' | 'addressable';
  state: ControlState;
  message: string;
  threshold: string | null;
  evidence: Record<string, any>;
}

export interface Posture {
  required_score: number;
  addressable_score: number;
  controls: Control[];
}

/** Whose posture to read, as whom (the operator by default), and which checks' controls to leave out of "exactly". */
export interface Probe {
  w: TestWard;
  org: string;
  as?: string;
  /** Checks whose controls may change on their own during the test (Ward's schedules). */
  ignore?: ReadonlySet<string>;
}

/** GET /api/v1/orgs/{org}/compliance, which must answer 200. */
export async function posture(p: Probe): Promise<Posture> {
  const r = await call(p.w, 'GET', `/api/v1/orgs/${p.org}/compliance`, {
    token: p.as ?? (await p.w.adminToken()),
  });
  if (r.status !== 200) throw new Error(`posture of ${p.org}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The ids of the catalog's controls that `check` decides, sorted. */
export const decidedBy = (check: CheckId): string[] =>
  CATALOG.filter((c) => c.check === check)
    .map((c) => c.id)
    .sort();

/** The (first) control `check` decides, as the posture shows it. */
export const controlOf = (p: Posture, check: CheckId): Control =>
  p.controls.find((c) => c.check === check) as Control;

const failingIn = (p: Posture, ignore?: ReadonlySet<string>) =>
  new Set(p.controls.filter((c) => c.state === 'failing' && !ignore?.has(c.check)).map((c) => c.id));

/**
 * Checks that the API's scores are those of its controls' states, and that the broken controls
 * (`own`) pulled them down: against the same states with those controls passing, the required
 * score is lower when one of them is required (and unchanged otherwise), likewise addressable.
 */
export function expectScoresFell(after: Posture, own: string[]): void {
  expect(after).toMatchObject(scores(after.controls));
  const without = scores(
    after.controls.map((c) => (own.includes(c.id) ? { ...c, state: 'passing' as const } : c)),
  );
  const kinds = new Set(CATALOG.filter((c) => own.includes(c.id)).map((c) => c.kind));
  if (kinds.has('required')) expect(after.required_score).toBeLessThan(without.required_score);
  else expect(after.required_score).toBe(without.required_score);
  if (kinds.has('addressable')) expect(after.addressable_score).toBeLessThan(without.addressable_score);
  else expect(after.addressable_score).toBe(without.addressable_score);
}

/**
 * Runs `breakIt` and checks that exactly the controls `check` decides went from passing to
 * failing, none recovered, and the scores fell as the controls' kinds say; returns the (first)
 * control as it now reads.
 */
export async function breaks(p: Probe, check: CheckId, breakIt: () => Promise<unknown>): Promise<Control> {
  const before = await posture(p);
  const own = decidedBy(check);
  for (const id of own)
    expect(before.controls.find((c) => c.id === id)?.state, `${id} before the break`).toBe('passing');
  await breakIt();
  const after = await posture(p);
  const was = failingIn(before, p.ignore);
  const is = failingIn(after, p.ignore);
  expect([...is].filter((id) => !was.has(id)).sort()).toEqual(own);
  expect([...was].filter((id) => !is.has(id))).toEqual([]);
  expectScoresFell(after, own);
  return controlOf(after, check);
}

/** Runs `fix` and checks that the controls `check` decides pass again, and no other changed. */
export async function fixes(p: Probe, check: CheckId, fix: () => Promise<unknown>): Promise<Control> {
  const before = failingIn(await posture(p), p.ignore);
  await fix();
  const after = await posture(p);
  const own = new Set(decidedBy(check));
  expect([...failingIn(after, p.ignore)].sort()).toEqual([...before].filter((id) => !own.has(id)).sort());
  const c = controlOf(after, check);
  expect(c.state).toBe('passing');
  return c;
}
