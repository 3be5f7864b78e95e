/**
 * @module api/hipaa-types
 * HIPAA enablement's shapes (HIPAA state, BAA, keys, certificates of destruction), read from the
 * server's OpenAPI document.
 */
import type { Json } from './schema';

export type HipaaState = Json<'/api/v1/orgs/{org}/hipaa', 'get'>;
/** A signed (or executed) BAA with its text (GET /orgs/{org}/baa). */
export type Baa = Json<'/api/v1/orgs/{org}/baa', 'get'>;
export type Signature = Baa['signed'];
/** A BAA waiting for the operator's countersignature. */
export type PendingBaa = Json<'/api/v1/baas/pending', 'get'>['baas'][number];
/** The rendered BAA to read and sign (POST /orgs/{org}/baa). */
export type BaaDocument = Json<'/api/v1/orgs/{org}/baa', 'post'>;

export type OrgKeys = Json<'/api/v1/orgs/{org}/keys', 'get'>;
export type KeyRotation = Json<'/api/v1/orgs/{org}/keys/rotate', 'post'>;
export type CertificateSummary = Json<'/api/v1/orgs/{org}/certificates', 'get'>['certificates'][number];
/** The business associate BAAs name, and where it comes from (operator). */
export type BusinessAssociate = Json<'/api/v1/operator/business-associate', 'get'>;
