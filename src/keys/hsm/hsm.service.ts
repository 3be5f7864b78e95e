/**
 * @module keys/hsm/service
 * An org's root key in its own HSM: `set` (owner, enterprise plan, a module the operator allows)
 * opens the keystore with the PIN, re-wraps the org's org keys (active and retired) under the HSM
 * key and commits that with its audit event; project keys stay wrapped by the org key, so nothing
 * else changes. `remove` re-wraps them under Ward's own root key again. Setting it again gives Ward
 * a new PIN for a key that is unavailable because its PIN was refused. The PIN is sealed under
 * Ward's system key; it is never logged, recorded or returned, and keystore errors never quote it.
 */
import { realpathSync } from 'node:fs';
import type { AuditService, EventSpec } from '../../audit/index.js';
import type { Db, OrgRole, OrgRootKey } from '../../db/index.js';
import type { RequestContext } from '../../lib/context.js';
import { conflict, forbidden, invalid, isWardError, notFound } from '../../lib/errors.js';
import { authorize, principalOf } from '../../policy/index.js';
import type { KeyService, RootMove } from '../keys.service.js';
import { openPkcs11Keystore, type Pkcs11Keystore, Pkcs11KeystoreError } from '../keystores/pkcs11/index.js';
import { describeRoot } from '../roots.js';
import type { HsmView, SetHsmBody } from './hsm.schemas.js';
import * as store from './hsm.store.js';
import type { HsmMonitor, OpenKeystore } from './monitor.js';
import { sealPin } from './pin.js';

/** The plan an org needs to keep its root key in its own HSM. */
export const HSM_PLAN = 'enterprise';

/** What the service needs of orgs (orgs.access fits it). */
export interface HsmOrgLookup {
  access(
    ctx: RequestContext,
    orgRef: string,
  ): Promise<{ org: { id: string; name: string; plan: string }; role: OrgRole | null }>;
}

const resolved = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

export function createHsmService(deps: {
  db: Db;
  audit: AuditService;
  keys: KeyService;
  orgs: HsmOrgLookup;
  monitor: HsmMonitor;
  /** ward.yaml hsm_modules: the only PKCS#11 libraries Ward will load. */
  allowedModules: readonly string[];
  open?: OpenKeystore;
  /** After the root moved to the HSM (alerts reseal their webhook secret under Ward's key). */
  afterSet?: (orgId: string) => Promise<void>;
}) {
  const { db, audit, keys, orgs, monitor } = deps;
  const open = deps.open ?? openPkcs11Keystore;

  const view = (orgId: string, row: OrgRootKey | undefined, rewrapped?: number): HsmView => ({
    org_id: orgId,
    root: row ? 'hsm' : 'ward',
    keystore_id: row?.keystore_id ?? keys.roots.fallback.id,
    hsm: row
      ? {
          module: row.module,
          token: row.token,
          key_label: row.key_label,
          state: row.state,
          reason: row.reason,
          state_since: row.state_since.toISOString(),
          created_at: row.created_at.toISOString(),
        }
      : null,
    ...(rewrapped === undefined ? {} : { rewrapped }),
  });

  /** Records a refusal that happened before the change's transaction, as audit.mutate would. */
  const refused = (ctx: RequestContext, spec: EventSpec, err: unknown): Promise<never> =>
    isWardError(err)
      ? audit.mutate(ctx, spec, async () => {
          throw err;
        })
      : Promise.reject(err);

  /** The allowed module `module` names (itself, or a path to the same file); Ward loads that path. */
  function allowedModule(module: string): string {
    if (deps.allowedModules.length === 0)
      throw invalid(
        `this Ward allows no PKCS#11 module; the operator lists the HSM libraries orgs may use in ward.yaml (hsm_modules: [${module}]) and restarts Ward`,
      );
    const allowed = deps.allowedModules.find((m) => m === module || resolved(m) === resolved(module));
    if (!allowed)
      throw invalid(
        `PKCS#11 module ${module} is not one this Ward allows (ward.yaml hsm_modules: ${deps.allowedModules.join(', ')}); use one of those or ask the operator to add it`,
      );
    return allowed;
  }

  async function show(ctx: RequestContext, ref: string): Promise<HsmView> {
    const a = await orgs.access(ctx, ref);
    authorize(ctx, a, 'keys.read');
    return view(a.org.id, await store.findRootKey(db, a.org.id));
  }

  /** Opens the keystore the body names; a keystore's error is the caller's to fix (400, its message). */
  const openFor = (module: string, body: SetHsmBody) =>
    open({ module, token: body.token, keyLabel: body.key_label, pin: body.pin }).catch((err: unknown) => {
      throw err instanceof Pkcs11KeystoreError ? invalid(err.message) : err;
    });

  /**
   * Setting the HSM an org already has is only for a new PIN, while the key is unavailable and
   * Ward holds no session with the token (PKCS#11 would let a second login through unchecked).
   */
  function checkPinRenewal(orgName: string, current: OrgRootKey, module: string, body: SetHsmBody): void {
    const where = describeRoot(current.keystore_id);
    if (current.module !== module || current.token !== body.token || current.key_label !== body.key_label)
      throw conflict(
        `'${orgName}' already keeps its root key in an HSM (${where}); remove it first (ward keys hsm remove --org ${orgName})`,
      );
    const state = monitor.stateOf(current.org_id);
    if (state?.available !== false)
      throw conflict(
        `the root key of '${orgName}' (${where}) is in use; set it again only to give Ward a new PIN while the key is unavailable`,
      );
    if (monitor.isOpen(current.org_id))
      throw conflict(
        `Ward is logged in to token "${current.token}", so its PIN is not what fails (${state.reason ?? 'the key is unavailable'}); make the key usable in the HSM`,
      );
  }

  async function set(ctx: RequestContext, ref: string, body: SetHsmBody): Promise<HsmView> {
    const a = await orgs.access(ctx, ref);
    const orgId = a.org.id;
    const spec: EventSpec<'key.hsm.set'> = {
      action: 'key.hsm.set',
      chain: orgId,
      target: { type: 'org', id: orgId, name: a.org.name },
      details: {
        module: body.module,
        token: body.token,
        key_label: body.key_label,
        keystore_id: '',
        previous_root: keys.roots.rootIdOf(orgId),
        rewrapped: 0,
      },
    };
    let keystore: Pkcs11Keystore | undefined;
    let current: OrgRootKey | undefined;
    let module = body.module;
    let move: RootMove | undefined;
    try {
      authorize(ctx, a, 'keys.hsm.manage');
      if (a.org.plan !== HSM_PLAN)
        throw forbidden(
          `a root key in your own HSM needs the ${HSM_PLAN} plan; '${a.org.name}' is on the ${a.org.plan} plan. The operator moves it: ward org set-plan ${a.org.name} ${HSM_PLAN}`,
        );
      module = allowedModule(body.module);
      spec.details.module = module;
      current = await store.findRootKey(db, orgId);
      if (current) checkPinRenewal(a.org.name, current, module, body);
      else if (await store.rootKeyOnToken(db, module, body.token))
        throw conflict(
          `token "${body.token}" already holds another organization's root key; each organization needs a token of its own`,
        );
      keystore = await openFor(module, body);
      if (!current) {
        keys.roots.add(keystore);
        move = await keys.prepareRootMove(orgId, keystore);
      }
    } catch (err) {
      if (keystore) {
        if (!current) keys.roots.remove(keystore.id);
        await keystore.close();
      }
      return refused(ctx, spec, err instanceof Pkcs11KeystoreError ? invalid(err.message) : err);
    }
    const ks = keystore;
    const pinSealed = await sealPin(keys, orgId, body.pin);
    if (current) return renewPin(ctx, spec, current, ks, pinSealed);
    const prepared = move as RootMove;
    try {
      const row = await audit.mutate(ctx, spec, async (tx, draft) => {
        if (await store.findRootKey(tx, orgId))
          throw conflict(`'${a.org.name}' already keeps its root key in an HSM; remove it first`);
        const rewrapped = await keys.commitRootMove(tx, prepared);
        draft.details = { ...draft.details, keystore_id: ks.id, rewrapped };
        return store.insertRootKey(tx, {
          org_id: orgId,
          kind: 'pkcs11',
          module,
          token: body.token,
          key_label: body.key_label,
          keystore_id: ks.id,
          pin_sealed: pinSealed,
          state: 'available',
          reason: null,
          created_by: principalOf(ctx).id,
        });
      });
      keys.roots.assign(orgId, ks.id);
      keys.evictOrg(orgId);
      monitor.watch({ ...row, org_name: a.org.name }, ks);
      await deps.afterSet?.(orgId);
      return view(orgId, row, prepared.keys.length);
    } catch (err) {
      if (!monitor.stateOf(orgId)) {
        keys.roots.remove(ks.id);
        await ks.close();
      }
      throw err;
    }
  }

  /** A new PIN that opened the token: kept, and the key probed at once with it. */
  async function renewPin(
    ctx: RequestContext,
    spec: EventSpec<'key.hsm.set'>,
    current: OrgRootKey,
    keystore: Pkcs11Keystore,
    pinSealed: Buffer,
  ): Promise<HsmView> {
    const details = { ...spec.details, keystore_id: current.keystore_id, previous_root: current.keystore_id };
    try {
      await audit.mutate(ctx, { ...spec, details }, (tx) => store.setPin(tx, current.org_id, pinSealed));
    } catch (err) {
      await keystore.close();
      throw err;
    }
    await monitor.renew(current.org_id, keystore, pinSealed);
    return view(current.org_id, await store.findRootKey(db, current.org_id), 0);
  }

  async function remove(ctx: RequestContext, ref: string): Promise<HsmView> {
    const a = await orgs.access(ctx, ref);
    const orgId = a.org.id;
    const spec: EventSpec<'key.hsm.remove'> = {
      action: 'key.hsm.remove',
      chain: orgId,
      target: { type: 'org', id: orgId, name: a.org.name },
      details: { keystore_id: '', rewrapped: 0 },
    };
    let move: RootMove;
    try {
      authorize(ctx, a, 'keys.hsm.manage');
      const row = await store.findRootKey(db, orgId);
      if (!row)
        throw notFound(
          `'${a.org.name}' keeps its root key with Ward (${describeRoot(keys.roots.fallback.id)}); there is no HSM to remove`,
        );
      spec.details.keystore_id = row.keystore_id;
      const state = monitor.stateOf(orgId);
      if (!keys.roots.get(row.keystore_id) || state?.available === false)
        throw conflict(
          `the root key of '${a.org.name}' (${describeRoot(row.keystore_id)}) is unavailable${state?.reason ? `: ${state.reason}` : ''}; its org keys can only be moved back to Ward's root key while the HSM key is usable`,
        );
      move = await keys.prepareRootMove(orgId, keys.roots.fallback);
    } catch (err) {
      return refused(ctx, spec, err);
    }
    await audit.mutate(ctx, spec, async (tx, draft) => {
      draft.details.rewrapped = await keys.commitRootMove(tx, move);
      if (!(await store.deleteRootKey(tx, orgId))) throw conflict(`'${a.org.name}' has no HSM any more`);
    });
    keys.roots.unassign(orgId);
    keys.evictOrg(orgId);
    await monitor.unwatch(orgId);
    return view(orgId, undefined, move.keys.length);
  }

  return { show, set, remove };
}

export type HsmService = ReturnType<typeof createHsmService>;
