/**
 * @module incidents/views
 * What the incident API answers with (zod, for the OpenAPI document and the console's types):
 * the record with everything derived from it (discovery date, determination, hold, obligations
 * with their deadlines and days left, each notice's schedule and missing content), summaries in
 * listings, and the signed packet file.
 */
import { z } from 'zod';
import { INCIDENT_STATUSES } from '../db/index.js';
import { NOTICE_KINDS, SENT_VIA } from './notices.js';

const factorView = z.object({
  finding: z.string(),
  evidence: z.string(),
  supports_low_probability: z.boolean(),
  identifiers: z.array(z.string()).optional(),
  reidentification: z.string().optional(),
});
const exclusionView = z.object({ applies: z.boolean(), basis: z.string() });

export const assessmentView = z.object({
  factors: z.object({
    nature: factorView.optional(),
    recipient: factorView.optional(),
    acquired: factorView.optional(),
    mitigation: factorView.optional(),
  }),
  exclusions: z.object({
    i: exclusionView.optional(),
    ii: exclusionView.optional(),
    iii: exclusionView.optional(),
  }),
  unsecured: z.boolean(),
  secured_basis: z.string().optional(),
});

export const obligationView = z.object({
  id: z.string(),
  kind: z.enum([
    'individuals',
    'substitute',
    'next_of_kin',
    'urgent_telephone',
    'media',
    'secretary',
    'secretary_annual',
    'covered_entity',
    'covered_entity_clock',
  ]),
  recipient: z.string(),
  citation: z.string(),
  deadline: z.string().nullable().describe('the last day to send it (YYYY-MM-DD), holds included'),
  ceiling: z.string().nullable().describe('the deadline before any law-enforcement hold'),
  held_until: z.string().nullable(),
  reason: z.string(),
  days_left: z
    .number()
    .nullable()
    .describe('calendar days from today to the deadline; negative when overdue'),
  met: z.boolean().describe('a notice of this kind was marked sent'),
});

export const noticeView = z.object({
  id: z.string(),
  kind: z.enum(NOTICE_KINDS),
  recipient: z.string(),
  jurisdiction: z.string().nullable(),
  content: z.object({
    description: z.string().optional(),
    breach_date: z.string().optional(),
    discovery_date: z.string().optional(),
    phi_types: z.array(z.string()).optional(),
    steps: z.string().optional(),
    org_actions: z.string().optional(),
    contact: z
      .object({
        toll_free: z.string().optional(),
        email: z.string().optional(),
        website: z.string().optional(),
        postal: z.string().optional(),
      })
      .optional(),
    identities: z.string().optional(),
  }),
  ready_on: z.string(),
  scheduled_on: z.string(),
  could_send_on: z.string(),
  delay_reason: z.string().nullable(),
  delayed: z
    .boolean()
    .describe('scheduled later than it could be sent ("without unreasonable delay" needs the reason)'),
  late: z.boolean().describe('scheduled after its deadline'),
  deadline: z.string().nullable(),
  missing: z
    .array(z.string())
    .describe('required content still missing; it cannot be marked sent until empty'),
  sent_at: z.string().nullable(),
  sent_via: z.enum(SENT_VIA).nullable(),
});

export const holdView = z.object({
  id: z.string(),
  kind: z.enum(['written', 'oral']),
  stated_on: z.string(),
  until: z.string().nullable(),
  official_name: z.string().nullable(),
  agency: z.string(),
  statement: z.string(),
  document: z.object({ file_name: z.string(), size_bytes: z.number(), sha256: z.string() }).nullable(),
  holds_until: z.string().describe('the last day this statement holds notices'),
  superseded_by: z
    .string()
    .nullable()
    .describe('the written statement that governs in place of this oral one'),
});

const affectedView = z.object({
  by_state: z.record(z.string(), z.number()),
  insufficient_contact: z.number(),
  deceased: z.number(),
  misuse_imminent: z.boolean(),
  total: z.number(),
});

export const incidentSummary = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  discovered_on: z.string().nullable(),
  determination: z.enum(['breach', 'not_a_breach']),
  next_deadline: z.string().nullable(),
  days_left: z.number().nullable(),
  created_at: z.string(),
});

export const incidentView = z.object({
  id: z.string(),
  org_id: z.string(),
  title: z.string(),
  summary: z.string(),
  occurred_from: z.string().nullable(),
  occurred_to: z.string().nullable(),
  reported_by: z.string(),
  owner: z.object({ id: z.string(), email: z.string(), name: z.string() }).nullable(),
  status: z.enum(INCIDENT_STATUSES),
  role: z.enum(['covered_entity', 'business_associate']),
  business_associate: z
    .object({
      covered_entity: z.string(),
      agreement_days: z.number().nullable(),
      agent: z.boolean().nullable(),
    })
    .nullable(),
  affected: affectedView,
  knowledge: z.array(
    z.object({
      id: z.string(),
      person: z.string(),
      relation: z.enum(['workforce', 'agent']),
      known_on: z.string(),
      basis: z.enum(['knew', 'should_have_known']),
      committed_breach: z.boolean(),
    }),
  ),
  discovery: z.object({
    discovered_on: z.string().nullable(),
    by: z.string().nullable(),
    reason: z.string(),
  }),
  assessment: assessmentView.nullable(),
  determination: z.object({
    determination: z.enum(['breach', 'not_a_breach']),
    reason: z.string(),
    open: z.array(z.string()),
  }),
  holds: z.array(holdView),
  hold: z.object({ until: z.string().nullable(), reason: z.string() }),
  audit_events: z.array(z.object({ id: z.string(), linked_at: z.string() })),
  obligations: z.array(obligationView),
  notices: z.array(noticeView),
  timeline: z.array(z.object({ at: z.string(), actor: z.string(), action: z.string(), summary: z.string() })),
  packets: z.array(z.object({ id: z.string(), sha256: z.string(), issued_at: z.string() })),
  alerts: z
    .array(z.object({ id: z.string(), rule: z.string(), title: z.string(), raised_at: z.string() }))
    .describe('the alerts this incident was made from'),
  today: z.string().describe('the day (UTC) days_left counts from'),
  created_at: z.string(),
  updated_at: z.string(),
});

export const packetSummary = z.object({
  id: z.string(),
  incident_id: z.string(),
  sha256: z.string(),
  key_id: z.string(),
  issued_at: z.string(),
});

export const signedPacketView = z.object({
  id: z.string(),
  document: z
    .string()
    .describe('the packet (type ward.incident-packet): RFC 8785 canonical JSON, the exact bytes signed'),
  signature: z.string().describe('Ed25519 signature over `document`, base64'),
  public_key: z.string().describe("Ward's public key (SPKI PEM); pin it from GET /api/v1/audit/public-key"),
  key_id: z.string(),
});

export type IncidentView = z.infer<typeof incidentView>;
export type IncidentSummary = z.infer<typeof incidentSummary>;
export type NoticeView = z.infer<typeof noticeView>;
export type ObligationView = z.infer<typeof obligationView>;
export type HoldView = z.infer<typeof holdView>;
export type PacketSummary = z.infer<typeof packetSummary>;
export type SignedPacketView = z.infer<typeof signedPacketView>;
