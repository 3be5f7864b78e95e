/**
 * @module regions
 */
export { createRegionCatalog, type RegionCatalog } from './regions.js';
export { createStorageChecker, type StorageChecker } from './storage-encryption.js';
