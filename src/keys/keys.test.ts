import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superuser } from '../../test/support/control-db.js';
import { startTestWard, type TestWard } from '../../test/support/ward.js';
import { SYSTEM } from '../lib/context.js';
import { keyIdOf } from './envelope.js';
import { createFileKeystore } from './keystores/file/file-keystore.js';

let w: TestWard;
let orgId: string;
const project = (projectId: string) => ({ type: 'project' as const, projectId, orgId });

beforeAll(async () => {
  w = await startTestWard();
  const alice = await w.user('alice@acme.test');
  orgId = (await w.request('POST', '/api/v1/orgs', { token: alice, body: { name: 'acme' } })).body.id;
});
afterAll(() => w?.stop());

describe('keys', () => {
  it('encrypt under a project key and open again; the ciphertext names its key and is bound to its purpose', async () => {
    const { keys } = w.ward.services;
    const sealed = await keys.encrypt(
      project('prj_aaaaaaaaaaaaaaaa'),
      'SELECT * FROM patients WHERE ssn = 123-45-6789',
      'statement',
    );
    expect(sealed.toString('latin1')).not.toContain('123-45-6789');
    expect(keyIdOf(sealed)).toMatch(/^key_[a-z2-7]{16}$/);
    expect((await keys.decrypt(sealed, 'statement')).toString()).toContain('123-45-6789');
    await expect(keys.decrypt(sealed, 'role-password')).rejects.toThrow();
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 20] = (flipped[flipped.length - 20] ?? 0) ^ 1;
    await expect(keys.decrypt(flipped, 'statement')).rejects.toThrow();
  });

  it('stores only wrapped keys, each bound to its own row', async () => {
    const rows = await superuser(
      w,
      async (c) => (await c.query('SELECT id, scope_type, wrapped_by, wrapped FROM ward.keys')).rows,
    );
    expect(rows.map((r) => r.scope_type).sort()).toEqual(['org', 'project']);
    const org = rows.find((r) => r.scope_type === 'org');
    const prj = rows.find((r) => r.scope_type === 'project');
    expect(org.wrapped_by).toBe('file:root');
    expect(prj.wrapped_by).toBe(org.id);
    // A wrapped key moved onto another row does not open.
    await superuser(w, (c) =>
      c.query('UPDATE ward.keys SET wrapped = $1 WHERE id = $2', [org.wrapped, prj.id]),
    );
    const { keys } = w.ward.services;
    keys.forget();
    await expect(keys.encrypt(project('prj_aaaaaaaaaaaaaaaa'), 'x', 'statement')).rejects.toThrow();
    await superuser(w, (c) =>
      c.query('UPDATE ward.keys SET wrapped = $1 WHERE id = $2', [prj.wrapped, prj.id]),
    );
  });

  it('rotation re-wraps project keys under a new org key; old ciphertexts still open, and it is audited', async () => {
    const { keys } = w.ward.services;
    keys.forget();
    const before = await keys.encrypt(project('prj_bbbbbbbbbbbbbbbb'), 'role password 1', 'role-password');
    const result = await keys.rotateOrg(SYSTEM, orgId);
    expect(result.rewrapped).toBe(2);
    keys.forget();
    expect((await keys.decrypt(before, 'role-password')).toString()).toBe('role password 1');
    const orgKeys = await keys.describe({ type: 'org', orgId });
    expect(orgKeys.map((k) => k.state)).toEqual(['retired', 'active']);
    const event = await superuser(
      w,
      async (c) =>
        (
          await c.query(
            "SELECT body::jsonb->'details' AS details FROM ward.audit_events WHERE chain_id = $1 AND action = 'key.rotate'",
            [orgId],
          )
        ).rows[0],
    );
    expect(event.details).toMatchObject({ new_key_id: result.key_id, rewrapped: 2 });
  });

  it('crypto-shredding: after a project key is destroyed nothing encrypted under it can be read, even by a fresh process', async () => {
    const { keys, db } = w.ward.services;
    const sealed = await keys.encrypt(project('prj_cccccccccccccccc'), 'pgbackrest passphrase', 'backup');
    await db.transaction().execute((tx) => keys.destroyProjectKeys(tx, 'prj_cccccccccccccccc'));
    await expect(keys.decrypt(sealed, 'backup')).rejects.toThrow(/destroyed .*crypto-shredded/);
    keys.forget();
    await expect(keys.decrypt(sealed, 'backup')).rejects.toThrow(/crypto-shredded/);
    const row = await superuser(
      w,
      async (c) =>
        (await c.query("SELECT wrapped, state FROM ward.keys WHERE scope_id = 'prj_cccccccccccccccc'"))
          .rows[0],
    );
    expect(row).toEqual({ wrapped: null, state: 'destroyed' });
  });

  it('keeps the root key readable by Ward alone', async () => {
    const path = join(w.home, 'keys', 'root.key');
    expect(Buffer.from((await readFile(path, 'utf8')).trim(), 'base64')).toHaveLength(32);
    await chmod(path, 0o644);
    await expect(createFileKeystore(join(w.home, 'keys'))).rejects.toThrow(
      /mode 644; the root key must be readable by Ward alone/,
    );
    await chmod(path, 0o600);
  });
});

describe('signing key', () => {
  it('signs so that the public key alone verifies, and any change to the data fails', async () => {
    const { signer } = w.ward.services;
    const { verifySignature, keyIdOfPublicKey, loadSigner } = await import('../lib/signing.js');
    const sig = signer.sign('tree head 42');
    expect(verifySignature(signer.publicKeyPem, 'tree head 42', sig)).toBe(true);
    expect(verifySignature(signer.publicKeyPem, 'tree head 43', sig)).toBe(false);
    expect(keyIdOfPublicKey(signer.publicKeyPem)).toBe(signer.keyId);
    // The same key on the next start.
    expect((await loadSigner(join(w.home, 'keys'))).keyId).toBe(signer.keyId);
  });
});

describe('key creation at volume', () => {
  it('creates the keys of many projects one after another on one connection', async () => {
    // PostgreSQL plans a prepared statement generically from its sixth run on a connection; the
    // insert's ON CONFLICT must still find the partial unique index then.
    const { keys, db } = w.ward.services;
    await db.connection().execute(async (one) => {
      for (let i = 0; i < 12; i++) {
        const scope = project(`prj_many${String(i).padStart(12, 'a')}`);
        const sealed = await keys.encrypt(scope, `row ${i}`, 'statement', one);
        expect((await keys.decrypt(sealed, 'statement', one)).toString()).toBe(`row ${i}`);
      }
    });
    const made = await superuser(
      w,
      async (c) =>
        (
          await c.query(
            "SELECT count(*)::int AS n FROM ward.keys WHERE scope_id LIKE 'prj_many%' AND state = 'active'",
          )
        ).rows[0].n,
    );
    expect(made).toBe(12);
  });
});
