/**
 * @module gateway
 * The PostgreSQL wire-protocol edge: the only way into a project's database.
 */
export { type Gateway, type GatewayDeps, startGateway } from './server.js';
