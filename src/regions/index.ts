/**
 * @module regions
 */
export { createRegionCatalog, projectEncryption, type RegionCatalog } from './regions.js';
export { createStorageChecker, type StorageChecker } from './storage-encryption.js';
