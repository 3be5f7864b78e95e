/**
 * @module cli
 */
export { registerClientCommands } from './commands.js';
export { registerUp } from './up.js';
