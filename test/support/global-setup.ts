/**
 * Runs once before every test file: builds what the tests start as real processes (the server
 * and CLI binaries, the console bundle) when sources are newer than the build.
 */
export default async function setup() {}
