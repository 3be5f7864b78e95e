/**
 * @module incidents/schemas
 * The incident API's shapes (zod), shared with the HTTP edge and the OpenAPI document: the
 * record and its changes, who knew when, the risk assessment, law-enforcement holds, notices,
 * obligations and evidence packets. Every string is bounded; ids are checked by shape.
 */
import { z } from 'zod';
import { INCIDENT_STATUSES } from '../db/index.js';
import { isDay } from './days.js';
import { NOTICE_KINDS, SENT_VIA } from './notices.js';

const idOf = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}_[a-z2-7]{16}$`), `${what} id (${prefix}_…)`);
export const incidentId = idOf('inc', 'an incident');
export const holdId = idOf('hld', 'a hold');
export const noticeId = idOf('ltr', 'a notice');
export const packetId = idOf('pkt', 'a packet');
export const eventId = idOf('evt', 'an audit event');

export const day = z
  .string()
  .refine(isDay, 'a calendar day as YYYY-MM-DD (a real date)')
  .describe('a calendar day, YYYY-MM-DD');
const text = (max: number, what: string) => z.string().trim().min(1, `say ${what}`).max(max);
const optionalText = (max: number) => z.string().trim().max(max);

export const alertId = idOf('alr', 'an alert');
export const sourceRef = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('audit_event'), id: eventId }),
    z.strictObject({ type: z.literal('alert'), id: alertId }),
  ])
  .describe(
    'what the incident comes from: audit events it cites, or open alerts it turns into the incident (their events are cited)',
  );
export type SourceRef = z.infer<typeof sourceRef>;

const affected = z.strictObject({
  by_state: z
    .record(z.string().trim().min(1).max(60), z.number().int().min(0).max(1_000_000_000))
    .refine((r) => Object.keys(r).length <= 80, 'at most 80 States or jurisdictions')
    .describe('affected individuals per State or jurisdiction of residence'),
  insufficient_contact: z.number().int().min(0).default(0),
  deceased: z.number().int().min(0).default(0),
  misuse_imminent: z.boolean().default(false),
});

const businessAssociate = z.strictObject({
  covered_entity: text(200, 'which covered entity'),
  agreement_days: z.number().int().min(1).max(60).nullable().default(null),
  agent: z.boolean().nullable().default(null),
});

export const createIncidentBody = z.strictObject({
  title: text(200, 'a title'),
  summary: optionalText(8000).describe('what happened').default(''),
  occurred_from: day.nullable().optional(),
  occurred_to: day.nullable().optional(),
  reported_by: text(200, 'who reported it'),
  owner: z.string().trim().max(320).optional().describe("the owner's e-mail (an org member)"),
  sources: z.array(sourceRef).max(100).default([]),
});
export type CreateIncidentInput = z.input<typeof createIncidentBody>;

export const updateIncidentBody = z.strictObject({
  title: text(200, 'a title').optional(),
  summary: optionalText(8000).optional(),
  occurred_from: day.nullable().optional(),
  occurred_to: day.nullable().optional(),
  reported_by: text(200, 'who reported it').optional(),
  owner: z.string().trim().max(320).nullable().optional(),
  status: z.enum(INCIDENT_STATUSES).optional(),
  role: z.enum(['covered_entity', 'business_associate']).optional(),
  business_associate: businessAssociate.nullable().optional(),
  affected: affected.optional(),
});
export type UpdateIncidentBody = z.infer<typeof updateIncidentBody>;

export const knowledgeBody = z.strictObject({
  person: text(200, 'who'),
  relation: z.enum(['workforce', 'agent']),
  known_on: day,
  basis: z.enum(['knew', 'should_have_known']).default('knew'),
  committed_breach: z.boolean().default(false),
});

export const linkBody = z.strictObject({ audit_events: z.array(eventId).min(1).max(100) });

const factor = z.strictObject({
  finding: optionalText(4000),
  evidence: optionalText(4000),
  supports_low_probability: z.boolean(),
  identifiers: z.array(z.string().trim().min(1).max(100)).max(40).optional(),
  reidentification: optionalText(2000).optional(),
});
const exclusion = z.strictObject({ applies: z.boolean(), basis: optionalText(4000) });
export const assessmentBody = z.strictObject({
  factors: z.strictObject({
    nature: factor.optional(),
    recipient: factor.optional(),
    acquired: factor.optional(),
    mitigation: factor.optional(),
  }),
  exclusions: z
    .strictObject({ i: exclusion.optional(), ii: exclusion.optional(), iii: exclusion.optional() })
    .default({}),
  unsecured: z.boolean().describe('false only when encrypted per HHS guidance with the key not compromised'),
  secured_basis: optionalText(4000).optional(),
});

export const holdBody = z.strictObject({
  kind: z.enum(['written', 'oral']),
  stated_on: z.string().max(10),
  until: z.string().max(10).optional(),
  official_name: z.string().trim().max(200).optional(),
  agency: z.string().trim().max(200).optional(),
  statement: z.string().trim().max(8000).optional(),
  document: z
    .strictObject({
      file_name: text(255, 'the file name'),
      content_type: z.string().trim().min(1).max(255).default('application/octet-stream'),
      content_base64: z.string().min(1).max(14_000_000, 'a document may be at most 10 MB'),
    })
    .optional(),
});
export type HoldBody = z.infer<typeof holdBody>;

const content = z.strictObject({
  description: optionalText(8000).optional(),
  breach_date: optionalText(100).optional(),
  discovery_date: optionalText(100).optional(),
  phi_types: z.array(z.string().trim().min(1).max(200)).max(40).optional(),
  steps: optionalText(8000).optional(),
  org_actions: optionalText(8000).optional(),
  contact: z
    .strictObject({
      toll_free: optionalText(40).optional(),
      email: optionalText(320).optional(),
      website: optionalText(500).optional(),
      postal: optionalText(500).optional(),
    })
    .optional(),
  identities: optionalText(4000).optional(),
});

export const noticeBody = z.strictObject({
  kind: z.enum(NOTICE_KINDS),
  recipient: text(300, 'the recipient').optional(),
  jurisdiction: z.string().trim().min(1).max(60).optional(),
  content: content.default({}),
  ready_on: day.optional().describe('the first day it could be sent (default today)'),
  scheduled_on: day.optional().describe('the day it will be sent (default: the first day it could be)'),
  delay_reason: optionalText(2000).optional(),
});
export type NoticeBody = z.infer<typeof noticeBody>;

export const noticeUpdateBody = noticeBody.omit({ kind: true }).partial();
export type NoticeUpdateBody = z.infer<typeof noticeUpdateBody>;

export const sentBody = z.strictObject({
  via: z.enum(SENT_VIA),
  sent_at: z.iso.datetime({ offset: true }).optional(),
});

export const byIncident = z.object({ id: incidentId });

export const affectedFromAccessBody = z.strictObject({
  project: z
    .string()
    .regex(/^prj_[a-z2-7]{16}$/, 'a project id (prj_…)')
    .describe('the project whose accesses count'),
  actor: z.string().trim().min(3).max(320).describe("the person's e-mail or the service account's name"),
  from: z.iso.datetime({ offset: true }).describe('start of the window'),
  to: z.iso.datetime({ offset: true }).describe('end of the window'),
  candidates: z
    .array(
      z.strictObject({ identifier: z.string().trim().min(1).max(200), state: z.string().trim().max(60) }),
    )
    .min(1)
    .max(1_000_000)
    .describe("the org's roster: each individual's identifier and State (not kept)"),
});
export type AffectedFromAccessBody = z.infer<typeof affectedFromAccessBody>;
