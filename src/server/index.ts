/**
 * @module server
 * The composition root: builds every domain from the settings, starts the edges (API, console,
 * gateway) and stops them in order.
 */
export { type RunningWard, type Services, startWard } from './ward.js';
