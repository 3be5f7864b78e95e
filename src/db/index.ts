/**
 * @module db
 * The control database: the pool and the transaction helper, the migrations, and the row types
 * every store writes against (the migrations in ./migrations are their source of truth).
 */

export * from './availability.js';
export * from './migrate.js';
export * from './pool.js';
export * from './schema.js';
export * from './schema-access.js';
export * from './schema-alerts.js';
export * from './schema-backups.js';
export * from './schema-compliance.js';
export * from './schema-hipaa.js';
export * from './schema-incidents.js';
export * from './schema-keys.js';
export * from './schema-publicity.js';
