/**
 * @module tls
 * Ward's own certificate authority and the gateway's server certificate it signs.
 */
export { ensureWardTls, type WardTls } from './ca.js';
