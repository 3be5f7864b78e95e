/**
 * @module compliance/posture
 * How a control's state is decided, and the two scores. Pure: the service gathers the live
 * checks' results, the newest attestation and decision of each control, and hands them here.
 *
 *  - A decision in force (younger than 12 months) comes first: `alternative` makes the control
 *    `alternative` and `not_reasonable` makes it `not_applicable` (addressable specifications only,
 *    164.306(d)(3)); `not_applicable` is allowed only where the catalog says the specification
 *    applies to some entities alone. `implemented` records the assessment; the check decides.
 *  - A live check's outcome decides the rest: pass → passing, fail → failing.
 *  - An attestation control is `attested` while its newest document's review date has not
 *    passed, and failing without one or past it.
 * HIPAA Required is the share of required controls met (100 only when all are: the binary that
 * matters), HIPAA Addressable the share of addressable ones; a control is met unless failing.
 */
import type { ControlState, DecisionKind } from '../db/index.js';
import type { Control } from './catalog.js';
import type { CheckResult } from './checks/index.js';
import { dayOf } from './days.js';

export const DECISION_MONTHS = 12;

export interface AttestationFact {
  id: string;
  statement: string;
  file_name: string;
  sha256: string;
  size_bytes: number;
  review_by: string;
  attested_by: string;
  attested_at: string;
}

export interface DecisionFact {
  id: string;
  decision: DecisionKind;
  rationale: string;
  decided_by: string;
  decided_at: string;
  expires_at: string;
}

export interface Judgement {
  state: ControlState;
  message: string;
}

/** Why `decision` cannot be recorded for `control`, or undefined when it can. */
export function refuseDecision(control: Control, decision: DecisionKind): string | undefined {
  if (decision === 'not_applicable')
    return control.applies_when
      ? undefined
      : `${control.citation} ${control.title} applies to every covered entity and business associate; only ${control.kind === 'addressable' ? "'implemented', 'alternative' or 'not_reasonable'" : 'an attestation or Ward’s check'} can meet it`;
  if (control.kind === 'required')
    return `${control.citation} ${control.title} is required: 164.306(d)(3) decisions are for addressable specifications only`;
  return undefined;
}

export function judge(
  control: Control,
  inputs: { check?: CheckResult; attestation?: AttestationFact; decision?: DecisionFact; now: Date },
): Judgement {
  const { check, attestation, decision, now } = inputs;
  const inForce = decision && new Date(decision.expires_at) > now ? decision : undefined;
  if (inForce?.decision === 'alternative')
    return { state: 'alternative', message: `an alternative measure is in place: ${inForce.rationale}` };
  if (inForce?.decision === 'not_reasonable')
    return {
      state: 'not_applicable',
      message: `judged not reasonable and appropriate: ${inForce.rationale}`,
    };
  if (inForce?.decision === 'not_applicable')
    return { state: 'not_applicable', message: `does not apply: ${inForce.rationale}` };
  if (control.check !== 'attestation') {
    if (!check) throw new Error(`compliance: no result for the check '${control.check}' of '${control.id}'`);
    const state =
      check.outcome === 'pass' ? 'passing' : check.outcome === 'fail' ? 'failing' : 'not_applicable';
    return { state, message: check.message };
  }
  const how = `ward compliance attest --control ${control.id} --file <document> --review-by <date>`;
  const unless = control.applies_when
    ? `; it applies only when ${control.applies_when}: otherwise an owner records that it does not apply (ward compliance decide --control ${control.id} --decision not_applicable --rationale <why>)`
    : '';
  if (!attestation)
    return {
      state: 'failing',
      message: `Ward cannot see this; an owner attests it: upload the document and set its review date (${how}, or the Compliance tab)${unless}`,
    };
  if (attestation.review_by < dayOf(now))
    return {
      state: 'failing',
      message: `the attestation's review date ${attestation.review_by} has passed: review ${attestation.file_name} and upload it again with a new review date (${how})`,
    };
  return {
    state: 'attested',
    message: `attested with ${attestation.file_name} (SHA-256 ${attestation.sha256.slice(0, 12)}…) on ${attestation.attested_at.slice(0, 10)}; review by ${attestation.review_by}`,
  };
}

export interface Scores {
  required_score: number;
  addressable_score: number;
  required_met: boolean;
}

export function scores(controls: readonly { kind: Control['kind']; state: ControlState }[]): Scores {
  const share = (kind: Control['kind']) => {
    const of = controls.filter((c) => c.kind === kind);
    const met = of.filter((c) => c.state !== 'failing').length;
    return of.length === 0 ? 100 : Math.floor((100 * met) / of.length);
  };
  const required_met = controls.every((c) => c.kind !== 'required' || c.state !== 'failing');
  return { required_score: share('required'), addressable_score: share('addressable'), required_met };
}
