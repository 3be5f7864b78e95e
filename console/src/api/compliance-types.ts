/**
 * @module api/compliance-types
 * The compliance center's shapes (an org's posture, its controls, attestations and decisions),
 * read from the server's OpenAPI document.
 */
import type { Body, Json } from './schema';

/** GET /orgs/{org}/compliance: both scores, 90 days of history, every control. */
export type Compliance = Json<'/api/v1/orgs/{org}/compliance', 'get'>;
export type Control = Compliance['controls'][number];
export type ControlState = Control['state'];
export type Safeguard = Control['safeguard'];
export type Attestation = NonNullable<Control['attestation']>;
export type Decision = NonNullable<Control['decision']>;
export type DecisionKind = Decision['decision'];
export type HistoryPoint = Compliance['history'][number];

export type AttestBody = Body<'/api/v1/orgs/{org}/compliance/attestations', 'post'>;
export type Attested = Json<'/api/v1/orgs/{org}/compliance/attestations', 'post'>;
export type DecideBody = Body<'/api/v1/orgs/{org}/compliance/decisions', 'post'>;
export type Decided = Json<'/api/v1/orgs/{org}/compliance/decisions', 'post'>;
