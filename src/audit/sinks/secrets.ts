/**
 * @module audit/sinks/secrets
 * What sinks need of Ward's keys: a webhook's secret is sealed under the chain's key (the org's,
 * or the system key for the operator's chain) and opened to sign each delivery. The key service
 * fits this shape; it is named here because the audit log sits below `keys/` (which audits its
 * own rotations), so the dependency points from keys to audit and never back.
 */
import type { Db, Tx } from '../../db/index.js';

export type SecretScope = { type: 'system' } | { type: 'org'; orgId: string };

export interface SinkSecrets {
  encrypt(scope: SecretScope, plaintext: string, aad: string, q?: Db | Tx): Promise<Buffer>;
  decrypt(ciphertext: Buffer, aad: string): Promise<Buffer>;
}
