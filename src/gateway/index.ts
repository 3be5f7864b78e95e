/**
 * @module gateway
 * The PostgreSQL wire-protocol edge: the only way into a project's database.
 */

export { createGatewayMetrics, type GatewayMetrics } from './metrics.js';
export { GATEWAY_TLS_MIN_VERSION, type Gateway, type GatewayDeps, startGateway } from './server.js';
