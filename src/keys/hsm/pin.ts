/**
 * @module keys/hsm/pin
 * An HSM token's PIN at rest: sealed under Ward's system key (not the org's, which the HSM key
 * itself wraps), bound to its org, so Ward can log in to the token again after a restart.
 */
import type { KeyService } from '../keys.service.js';

const aad = (orgId: string) => `ward-hsm-pin:${orgId}`;

export const sealPin = (keys: KeyService, orgId: string, pin: string): Promise<Buffer> =>
  keys.encrypt({ type: 'system' }, pin, aad(orgId));

export const unsealPin = async (keys: KeyService, orgId: string, sealed: Buffer): Promise<string> =>
  (await keys.decrypt(sealed, aad(orgId))).toString('utf8');
