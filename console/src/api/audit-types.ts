/**
 * @module api/audit-types
 * The audit API's shapes (events, verification, export, sinks, witnesses), read from the server's
 * OpenAPI document.
 */
import type { Body, Json, Query } from './schema';

export type AuditEvent = AuditEventPage['events'][number];
export type AuditEventPage = Json<'/api/v1/orgs/{org}/audit-events', 'get'>;

/** The list's filters, exactly as the query string of GET /orgs/{org}/audit-events takes them. */
export type AuditFilters = Omit<Query<'/api/v1/orgs/{org}/audit-events', 'get'>, 'cursor' | 'limit'>;
/** The outcomes the list can be filtered by (an event's own `outcome` is any string). */
export type Outcome = NonNullable<AuditFilters['outcome']>;

export type VerifyReport = Json<'/api/v1/orgs/{org}/audit-events/verify', 'get'>;
export type ExportFormat = NonNullable<Query<'/api/v1/orgs/{org}/audit-events/export', 'get'>['format']>;

export type SinkView = Json<'/api/v1/orgs/{org}/audit-sinks', 'get'>['sinks'][number];
export type SinkKind = SinkView['kind'];
export type SinkFormat = SinkView['format'];
export type CreateSinkBody = Body<'/api/v1/orgs/{org}/audit-sinks', 'post'>;
/** A new sink; a webhook's HMAC key comes once, here. */
export type CreatedSink = Json<'/api/v1/orgs/{org}/audit-sinks', 'post'>;

/** The witnesses, the quorum, and the newest checkpoint a quorum cosigned. */
export type WitnessStatus = Json<'/api/v1/orgs/{org}/audit-witnesses', 'get'>;
export type WitnessView = WitnessStatus['witnesses'][number];
export type AddWitnessBody = Body<'/api/v1/orgs/{org}/audit-witnesses', 'post'>;
