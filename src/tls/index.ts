/**
 * @module tls
 * Ward's own certificate authority, the gateway's server certificate it signs, and the
 * certificate the API serves over HTTPS.
 */
export { ensureWardTls, type WardTls } from './ca.js';
export { type HttpsCertificate, type HttpsSetting, httpsCertificate } from './https.js';
