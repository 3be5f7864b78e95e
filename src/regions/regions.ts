/**
 * @module regions
 * Where projects can run, from Ward's settings. A region's type (`standard` or `hipaa`) decides
 * which projects and orgs may use it; its storage encryption is what the operator declares.
 */
import type { Region } from '../config/index.js';
import { invalid } from '../lib/errors.js';

export type { Region } from '../config/index.js';

/** What Ward does to encrypt a new project's directory in `region` (config: project_encryption). */
export const projectEncryption = (region: Region): 'fscrypt' | 'auto' | 'none' =>
  region.project_encryption ?? (region.type === 'hipaa' ? 'auto' : 'none');

export function createRegionCatalog(regions: Region[]) {
  const byId = new Map(regions.map((r) => [r.id, r]));
  return {
    list: (): Region[] => [...regions],
    get(id: string): Region {
      const r = byId.get(id);
      if (!r) throw invalid(`unknown region '${id}'; choose one of: ${regions.map((x) => x.id).join(', ')}`);
      return r;
    },
  };
}

export type RegionCatalog = ReturnType<typeof createRegionCatalog>;
