/**
 * @module lib/project-form
 * The rules the "New project" form follows, mirrored from src/projects/projects.service.ts so the
 * form offers only what Ward will accept: a project's audit_log_level matches its region's type
 * (hipaa only in hipaa regions, hipaa regions only for hipaa projects), and both need an org with
 * HIPAA enabled. Ward checks again; the form just avoids asking for the impossible.
 */
import type { AuditLogLevel, Region } from '../api/types';

export const HIPAA_REQUIRED = 'HIPAA must be enabled for this organization';

export const REGION_GROUPS: Record<Region['type'], string> = {
  standard: 'Standard',
  hipaa: 'HIPAA compliant',
};

export const levelOf = (region: Region): AuditLogLevel => (region.type === 'hipaa' ? 'hipaa' : 'standard');

export const usable = (region: Region, hipaaEnabled: boolean): boolean =>
  region.type === 'standard' || hipaaEnabled;

/** Why a level cannot be chosen, or undefined when it can. */
export function levelBlocked(
  level: AuditLogLevel,
  regions: Region[],
  hipaaEnabled: boolean,
): string | undefined {
  if (level === 'hipaa' && !hipaaEnabled) return HIPAA_REQUIRED;
  if (!regions.some((r) => levelOf(r) === level)) return `no ${REGION_GROUPS[level]} region is defined`;
  return undefined;
}

/** The region to use for a level: the current one if it fits, else the first usable one that does. */
export function regionFor(level: AuditLogLevel, regions: Region[], hipaaEnabled: boolean, current?: Region) {
  if (current && levelOf(current) === level) return current;
  return regions.find((r) => levelOf(r) === level && usable(r, hipaaEnabled));
}

/** The region chosen first: a standard one, or any usable one. */
export const defaultRegion = (regions: Region[], hipaaEnabled: boolean): Region | undefined =>
  regionFor('standard', regions, hipaaEnabled) ?? regions.find((r) => usable(r, hipaaEnabled));

/** Options for a native <select>, grouped by region type; unusable regions disabled with the reason. */
export function regionOptions(regions: Region[], hipaaEnabled: boolean) {
  return (['standard', 'hipaa'] as const)
    .map((type) => ({
      group: REGION_GROUPS[type],
      items: regions
        .filter((r) => r.type === type)
        .map((r) => ({
          value: r.id,
          label: usable(r, hipaaEnabled) ? r.name : `${r.name} (${HIPAA_REQUIRED})`,
          disabled: !usable(r, hipaaEnabled),
        })),
    }))
    .filter((g) => g.items.length > 0);
}
