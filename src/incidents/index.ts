/**
 * @module incidents
 * Security incidents and the Breach Notification Rule (45 CFR 164.400–414): the record with its
 * timeline, who knew when and the derived discovery date, the 164.402 risk assessment, law-
 * enforcement holds, every obligation with its deadline, notices and letters, and the signed
 * evidence packet. `wireIncidents` builds the three services over one core.
 */
import { createAffectedService } from './affected.service.js';
import { createIncidentCore, type IncidentDeps } from './incidents.core.js';
import { createIncidentService } from './incidents.service.js';
import { createNoticeService } from './notices.service.js';
import { createPacketService } from './packets.service.js';

export { type AffectedService, UNKNOWN_STATE } from './affected.service.js';
export { type Assessment, determine, EXCLUSIONS, FACTORS } from './assessment.js';
export { addDays, daysBetween, isDay } from './days.js';
export { discoveryOf, type Knowledge } from './discovery.js';
export { type HoldFacts, holdEffect, missingForHold, ORAL_HOLD_DAYS } from './holds.js';
export type { IncidentDeps } from './incidents.core.js';
export type { CreateIncidentInput, SourceRef } from './incidents.schemas.js';
export * as incidentSchemas from './incidents.schemas.js';
export type { IncidentService } from './incidents.service.js';
export type { IncidentView } from './incidents.views.js';
export * as incidentViews from './incidents.views.js';
export { missingContent, NOTICE_KINDS, SENT_VIA } from './notices.js';
export type { NoticeService } from './notices.service.js';
export { type Obligation, type ObligationFacts, obligationsOf, scheduleCheck } from './obligations.js';
export type { PacketService } from './packets.service.js';

export function wireIncidents(deps: IncidentDeps) {
  const core = createIncidentCore(deps);
  return {
    incidents: createIncidentService(deps, core),
    affected: createAffectedService(deps, core),
    notices: createNoticeService(core),
    packets: createPacketService(deps, core),
  };
}

export type IncidentParts = ReturnType<typeof wireIncidents>;
