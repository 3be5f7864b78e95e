/**
 * @module config
 * Ward's settings: ward.yaml, WARD_* environment variables and defaults, validated once at start
 * (every error at once), with no secret defaults. The CLI reads them without starting a server.
 */
export { ConfigError, loadConfig, type Region, type WardConfig, wardHome } from './config.js';
export { regionSchema, type SmtpSettings } from './config.schema.js';
