/**
 * @module keys
 * Envelope encryption: keystores (the root), org/project/system keys, rotation, crypto-shredding.
 */

export { open } from './envelope.js';
export { createKeyService, KeyDestroyedError, type KeyScope, type KeyService } from './keys.service.js';
export type { Keystore } from './keystore.js';
export { createFileKeystore } from './keystores/file/file-keystore.js';
export { createOrgKeys, type OrgKeys, orgKeysView, rotationView } from './org-keys.js';
