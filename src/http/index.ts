/**
 * @module http
 */

export { buildApp } from './app.js';
export { DEFAULT_CONSOLE_DIR } from './plugins/console.js';
export type { HipaaEdge } from './routes/hipaa-edge.js';
