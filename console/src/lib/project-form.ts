/**
 * @module lib/project-form
 * The rules the "New project" form follows, mirrored from src/projects/projects.service.ts so the
 * form offers only what Ward will accept: a region type, Standard or HIPAA compliant, the latter
 * only to orgs with HIPAA enabled; the regions of that type; and the audit log level that goes
 * with it (hipaa in HIPAA compliant regions, fixed at creation). Ward checks again.
 */
import type { AuditLogLevel, Region } from '../api/types';

export type RegionType = Region['type'];

export const REGION_TYPES: Record<RegionType, string> = {
  standard: 'Standard',
  hipaa: 'HIPAA compliant',
};

export const levelOf = (type: RegionType): AuditLogLevel => (type === 'hipaa' ? 'hipaa' : 'standard');

/** The region types an org may choose, each only when a region of that type exists. */
export function typesFor(regions: Region[], hipaaEnabled: boolean): RegionType[] {
  return (['standard', 'hipaa'] as const).filter(
    (t) => (t === 'standard' || hipaaEnabled) && regions.some((r) => r.type === t),
  );
}

export const regionsOf = (regions: Region[], type: RegionType): Region[] =>
  regions.filter((r) => r.type === type);

/** How the region's storage is encrypted, as Ward found it. */
export function describeRegion(region: Region | undefined): string {
  if (!region) return 'No region of this type is defined';
  const s = region.storage_encryption_status;
  const warning = s.state === 'none' ? 'Warning: data here is not encrypted at rest. ' : '';
  return `${warning}${region.id}: storage encryption ${s.state} (declared ${region.storage_encryption}). ${s.detail}`;
}

/**
 * The regions a restore of `source` may target, mirroring checkPlacement: a HIPAA project's copy is
 * a HIPAA project, so only hipaa regions; a standard one may stay standard or, in an org with
 * HIPAA enabled, move into a hipaa region. The source's own region first when it qualifies, so the
 * form's default is one Ward accepts.
 */
export function restoreRegions(
  regions: Region[],
  source: { region_id: string; settings: { audit_log_level: AuditLogLevel } },
  hipaaEnabled: boolean,
): Region[] {
  const hipaa = source.settings.audit_log_level === 'hipaa';
  const allowed = regions.filter((r) => (hipaa ? r.type === 'hipaa' : r.type === 'standard' || hipaaEnabled));
  const own = allowed.filter((r) => r.id === source.region_id);
  return [...own, ...allowed.filter((r) => r.id !== source.region_id)];
}
