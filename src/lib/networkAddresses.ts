import { BlockList, isIP } from 'node:net';

/**
 * Addresses an outbound request chosen by a tenant's administrator (a webhook URL) may not reach unless the operator
 * allows it: the machine itself, private and shared networks, link-local addresses (cloud metadata services answer at
 * 169.254.169.254), and what is not a unicast address on the internet. Without this, a webhook is a way to make
 * idbridge POST into the network it runs in and show the first bytes of the answer in its delivery log (SSRF).
 */
export type AddressKind = 'loopback' | 'private' | 'public';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, and IPv4-compatible (deprecated: ::a.b.c.d)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 address carries (mapped ::ffff:a.b.c.d, or NAT64 64:ff9b::a.b.c.d), if any. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const match = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(lower);
  if (!match) return undefined;
  if (match[1]) return match[1];
  const high = parseInt(match[2]!, 16);
  const low = parseInt(match[3]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** What an IP address is (`undefined` when `address` is not an IP address, e.g. a host name). */
export function addressKind(address: string): AddressKind | undefined {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return undefined;
  const v4 = family === 6 ? embeddedIpv4(bare) : bare;
  if (v4 !== undefined) {
    if (LOOPBACK.check(v4, 'ipv4')) return 'loopback';
    return PRIVATE.check(v4, 'ipv4') ? 'private' : 'public';
  }
  if (LOOPBACK.check(bare, 'ipv6')) return 'loopback';
  return PRIVATE.check(bare, 'ipv6') ? 'private' : 'public';
}

/** Which kinds of address outbound requests may reach. */
export interface AddressRule {
  /** The machine itself (a receiver on loopback in development and tests). */
  loopback: boolean;
  /** Private, shared and link-local networks (an operator whose portals sit on the internal network). */
  privateNetworks: boolean;
}

/** Why `address` may not be reached under `rule`, or null when it may (or when it is not an IP address). */
export function refusedAddress(address: string, rule: AddressRule): string | null {
  const kind = addressKind(address);
  if (kind === 'loopback' && !rule.loopback) return `${address} is this machine (loopback)`;
  if (kind === 'private' && !rule.privateNetworks) return `${address} is a private, link-local or reserved address`;
  return null;
}
