/**
 * @module http
 */

export { type AppDeps, buildApp, type ServerOptions } from './app.js';
export { DEFAULT_CONSOLE_DIR } from './plugins/console.js';
export type { HipaaEdge } from './routes/hipaa-edge.js';
