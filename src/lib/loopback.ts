/**
 * @module lib/loopback
 * Whether a client address is this machine's loopback: 127.0.0.0/8 (also written as an
 * IPv4-mapped IPv6 address, as a dual-stack socket reports it) or ::1. The HTTP API uses it for
 * routes public to this machine; the gateway for the plaintext opt-in of a standard project.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export function isLoopback(ip: string | null | undefined): boolean {
  if (!ip) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const v4 = mapped ?? ip;
  if (isIPv4(v4)) return LOOPBACK.check(v4, 'ipv4');
  return isIPv6(ip) && LOOPBACK.check(ip, 'ipv6');
}
