/**
 * @module compliance/subprocessor-timeline
 * What the subprocessor list says at a given moment. Every change is announced ahead, so a
 * subprocessor is a series of versions of its details, each taking effect at its own time, and
 * perhaps a removal that takes effect later still: at any moment one version is in effect (or none
 * yet), the next one is announced, and the removal has or has not come. Pure, so the report, the
 * trust page and the list all read the same answer.
 */

export interface SubprocessorDetails {
  name: string;
  purpose: string;
  location: string;
  phi: boolean;
}

export interface SubprocessorVersion extends SubprocessorDetails {
  effective_at: Date;
}

export interface SubprocessorEntry {
  id: string;
  created_at: Date;
  removal_effective_at: Date | null;
  /** Oldest first. */
  versions: SubprocessorVersion[];
}

export type SubprocessorStatus = 'upcoming' | 'in_effect' | 'removal_announced' | 'removed';

export interface SubprocessorMoment {
  status: SubprocessorStatus;
  /** The version in effect at the moment, else (upcoming) the first announced one. */
  shown: SubprocessorVersion;
  /** The first version announced to take effect after the moment, besides `shown`. */
  next: SubprocessorVersion | null;
}

export function momentOf(e: SubprocessorEntry, at: Date): SubprocessorMoment {
  const t = at.getTime();
  const first = e.versions[0];
  if (!first) throw new Error(`subprocessor ${e.id} has no versions`);
  const current = e.versions.filter((v) => v.effective_at.getTime() <= t).at(-1);
  const later = e.versions.filter((v) => v.effective_at.getTime() > t);
  const removal = e.removal_effective_at?.getTime();
  const status: SubprocessorStatus =
    removal !== undefined && removal <= t
      ? 'removed'
      : !current
        ? 'upcoming'
        : removal !== undefined
          ? 'removal_announced'
          : 'in_effect';
  const shown = current ?? first;
  return { status, shown, next: later.find((v) => v !== shown) ?? null };
}

/** The subprocessors in effect at `at`, with the details in effect then. */
export function inEffectAt(entries: SubprocessorEntry[], at: Date): (SubprocessorVersion & { id: string })[] {
  return entries.flatMap((e) => {
    const m = momentOf(e, at);
    return m.status === 'in_effect' || m.status === 'removal_announced' ? [{ id: e.id, ...m.shown }] : [];
  });
}

/** The latest version announced (the one a further change builds on). */
export function latestVersion(e: SubprocessorEntry): SubprocessorVersion {
  const v = e.versions.at(-1);
  if (!v) throw new Error(`subprocessor ${e.id} has no versions`);
  return v;
}
