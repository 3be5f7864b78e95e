/**
 * @module lib/bytes
 * Sizes as Ward writes them everywhere: SI units (1 kB = 1000 B), one decimal, the same as the
 * CLI's `formatBytes` (src/cli/backups.ts), so a backup shows the same size in both.
 */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  // 999,950 B is 1.0 MB, not "1000.0 kB": the unit goes up once the shown digits would reach 1000.
  while (u < UNITS.length - 1 && (u === 0 ? v : Number(v.toFixed(1))) >= 1000) {
    v /= 1000;
    u += 1;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${UNITS[u]}`;
}
