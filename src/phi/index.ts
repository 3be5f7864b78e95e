/**
 * @module phi
 * The rules for what looks like protected health information in schema text (identifiers and
 * comments), which a HIPAA project's schema must not hold.
 */
export { findPhi, type PhiFinding, type PhiKind } from './detect.js';
