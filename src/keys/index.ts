/**
 * @module keys
 * Envelope encryption: keystores (the root), org/project/system keys, rotation, crypto-shredding,
 * and an org's root key in its own HSM (PKCS#11), watched so that revoking it stops the org.
 */

export { open } from './envelope.js';
export { type HsmView, hsmView, type SetHsmBody, setHsmBody } from './hsm/hsm.schemas.js';
export { createHsmService, type HsmOrgLookup, type HsmService } from './hsm/hsm.service.js';
export { findRootKey } from './hsm/hsm.store.js';
export { createHsmMonitor, type HsmMonitor, type OrgProjects, type RootKeyAlert } from './hsm/monitor.js';
export { createRootKeyUses, type RootKeyUses } from './hsm/uses.js';
export { createKeyService, KeyDestroyedError, type KeyScope, type KeyService } from './keys.service.js';
export type { Keystore } from './keystore.js';
export { createFileKeystore } from './keystores/file/file-keystore.js';
export { createOrgKeys, type OrgKeys, orgKeysView, rotationView } from './org-keys.js';
export { createRootKeystores, describeRoot, type RootKeystores } from './roots.js';
