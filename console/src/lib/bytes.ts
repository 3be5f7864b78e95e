/**
 * @module lib/bytes
 * Sizes as Ward writes them everywhere: SI units (1 kB = 1000 B), one decimal, the same as the
 * CLI's `formatBytes` (src/cli/backups.ts), so a backup shows the same size in both.
 */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${UNITS[u]}`;
}
