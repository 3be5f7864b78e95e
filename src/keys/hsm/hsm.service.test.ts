import { describe, expect, it } from 'vitest';
import type { AuditService, EventSpec } from '../../audit/index.js';
import type { Db, OrgRole } from '../../db/index.js';
import type { RequestContext } from '../../lib/context.js';
import type { KeyService } from '../keys.service.js';
import type { Keystore } from '../keystore.js';
import { createRootKeystores } from '../roots.js';
import { createHsmService } from './hsm.service.js';
import type { HsmMonitor } from './monitor.js';

const ctx: RequestContext = {
  actor: { type: 'user', id: 'usr_a', email: 'alice@acme.test', operator: false, token_id: 'tok_a' },
  ip: '127.0.0.1',
};
const body = {
  module: '/usr/lib/softhsm/libsofthsm2.so',
  token: 'acme',
  key_label: 'root',
  pin: '4711-secret',
};

/** A service whose refusals come before any database or keystore work, and the events they record. */
function service(opts: { modules?: string[]; plan?: string; role?: OrgRole }) {
  const recorded: { spec: EventSpec; error: unknown }[] = [];
  const opened: string[] = [];
  const audit = {
    async mutate(_ctx: unknown, spec: EventSpec, fn: (tx: unknown, draft: unknown) => Promise<unknown>) {
      try {
        return await fn(undefined, { ...spec, also: [] });
      } catch (error) {
        recorded.push({ spec, error });
        throw error;
      }
    },
  } as unknown as AuditService;
  const keys = { roots: createRootKeystores({ id: 'file:root' } as Keystore) } as unknown as KeyService;
  const hsm = createHsmService({
    db: {} as Db,
    audit,
    keys,
    monitor: {} as HsmMonitor,
    orgs: {
      access: async () => ({
        org: { id: 'org_a', name: 'acme', plan: opts.plan ?? 'enterprise' },
        role: opts.role ?? 'owner',
      }),
    },
    allowedModules: opts.modules ?? [],
    open: async (o) => {
      opened.push(o.module);
      throw new Error('not reached');
    },
  });
  return { hsm, recorded, opened };
}

describe('setting up an HSM is refused before Ward loads anything', () => {
  it('while ward.yaml allows no module, telling the operator what to set', async () => {
    const { hsm, recorded, opened } = service({});
    await expect(hsm.set(ctx, 'acme', body)).rejects.toThrow(
      'this Ward allows no PKCS#11 module; the operator lists the HSM libraries orgs may use in ward.yaml (hsm_modules: [/usr/lib/softhsm/libsofthsm2.so]) and restarts Ward',
    );
    expect(opened).toEqual([]);
    expect(recorded[0]?.spec.action).toBe('key.hsm.set');
    expect(JSON.stringify(recorded[0]?.spec)).not.toContain('4711-secret');
  });

  it('for a module the operator did not allow (400), for another plan and for a non-owner (403)', async () => {
    const other = service({ modules: ['/opt/hsm/libvendor.so'] });
    await expect(other.hsm.set(ctx, 'acme', body)).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(
        /^PKCS#11 module \/usr\/lib\/softhsm\/libsofthsm2.so is not one this Ward allows/,
      ),
    });
    const basic = service({ modules: [body.module], plan: 'basic' });
    await expect(basic.hsm.set(ctx, 'acme', body)).rejects.toMatchObject({ code: 'forbidden' });
    const admin = service({ modules: [body.module], role: 'admin' });
    await expect(admin.hsm.set(ctx, 'acme', body)).rejects.toMatchObject({ code: 'forbidden' });
    expect([...other.opened, ...basic.opened, ...admin.opened]).toEqual([]);
  });
});
