/**
 * @module keys/org-keys
 * An org's keys as its owners see them: the org key (active, and retired versions) and the key of
 * each of its projects (including destroyed ones, kept as evidence of crypto-shredding), and
 * rotation of the org key (`ward keys rotate --org`), which re-wraps the project keys under a new
 * org key in one transaction: no data is re-encrypted and nothing stops.
 */
import { z } from 'zod';
import type { OrgLookup } from '../audit/index.js';
import type { Db, KeyRow } from '../db/index.js';
import type { RequestContext } from '../lib/context.js';
import { authorize } from '../policy/index.js';
import type { KeyService } from './keys.service.js';

export const keyView = z.object({
  id: z.string(),
  state: z.enum(['active', 'retired', 'destroyed']),
  wrapped_by: z.string(),
  created_at: z.string(),
  retired_at: z.string().nullable(),
  destroyed_at: z.string().nullable(),
});

export const orgKeysView = z.object({
  org_id: z.string(),
  org_keys: z.array(keyView),
  project_keys: z.array(keyView.extend({ project_id: z.string(), project_name: z.string() })),
});

export const rotationView = z.object({ org_id: z.string(), key_id: z.string(), rewrapped: z.number() });

export type OrgKeysView = z.infer<typeof orgKeysView>;

const view = (k: KeyRow) => ({
  id: k.id,
  state: k.state,
  wrapped_by: k.wrapped_by,
  created_at: k.created_at.toISOString(),
  retired_at: k.retired_at?.toISOString() ?? null,
  destroyed_at: k.destroyed_at?.toISOString() ?? null,
});

export function createOrgKeys(deps: { db: Db; keys: KeyService; orgs: OrgLookup }) {
  const { db, keys, orgs } = deps;

  async function list(ctx: RequestContext, ref: string): Promise<OrgKeysView> {
    const a = await orgs.access(ctx, ref);
    authorize(ctx, a, 'keys.read');
    const orgKeys = await db
      .selectFrom('keys')
      .selectAll()
      .where('scope_type', '=', 'org')
      .where('scope_id', '=', a.org.id)
      .orderBy('created_at')
      .execute();
    const projectKeys = await db
      .selectFrom('keys')
      .innerJoin('projects', 'projects.id', 'keys.scope_id')
      .selectAll('keys')
      .select('projects.name as project_name')
      .where('keys.scope_type', '=', 'project')
      .where('projects.org_id', '=', a.org.id)
      .orderBy('keys.created_at')
      .execute();
    return {
      org_id: a.org.id,
      org_keys: orgKeys.map(view),
      project_keys: projectKeys.map((k) => ({
        ...view(k),
        project_id: k.scope_id,
        project_name: k.project_name,
      })),
    };
  }

  async function rotate(ctx: RequestContext, ref: string) {
    const a = await orgs.access(ctx, ref);
    const done = await keys.rotateOrg(ctx, a.org.id, () => authorize(ctx, a, 'keys.rotate'));
    return { org_id: a.org.id, ...done };
  }

  return { list, rotate };
}

export type OrgKeys = ReturnType<typeof createOrgKeys>;
