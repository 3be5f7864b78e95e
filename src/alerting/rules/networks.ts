/**
 * @module alerting/rules/networks
 * The network a source address belongs to, for the new-network rule: an IPv4 /24, an IPv6 /48
 * (an IPv4-mapped IPv6 address counts as IPv4). Pure string work, no allocation beyond the answer.
 */

/** `10.1.2.0/24`, `2001:db8:1::/48`, or null for something that is not an address. */
export function networkOf(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const v4 = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return `${v4.slice(0, v4.lastIndexOf('.'))}.0/24`;
  if (!ip.includes(':')) return null;
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return null;
  const first = groups.slice(0, 3).map((g) => (Number.parseInt(g, 16) || 0).toString(16));
  return `${first.join(':')}::/48`;
}
