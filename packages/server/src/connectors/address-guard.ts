import { type LookupAddress, lookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { Config } from '../config/index.ts';
import { isLoopbackHost } from '../config/private-addresses.ts';
import { AppError } from '../errors.ts';

/**
 * Which addresses Lexbridge may connect to for a connector. A Server Address chosen by a Connector
 * Admin must not turn Lexbridge into a probe of its own network (loopback services, the cloud's
 * metadata endpoint at 169.254.169.254, other hosts inside the firm): addresses that are not public
 * are refused unless the operator allows them (LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES, or by host, address
 * or range in LEXBRIDGE_ALLOWED_PRIVATE_HOSTS). The check is on the resolved addresses, and the
 * connection uses exactly the addresses checked (`guardedLookup`), so a DNS answer that changes
 * between the check and the connection changes nothing.
 */
export type GuardConfig = Pick<Config, 'allowPrivateAddresses' | 'LEXBRIDGE_ALLOWED_PRIVATE_HOSTS'>;

/** Loopback, private, shared (CGNAT), link-local, documentation, benchmarking, multicast and reserved. */
const nonPublic = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  nonPublic.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible form
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['3fff::', 20],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  nonPublic.addSubnet(net, bits, 'ipv6');

/** The eight 16-bit words of an IPv6 address (zone removed; an embedded dotted IPv4 expanded). */
function ipv6Words(address: string): number[] {
  let text = address.split('%')[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':').map((w) => Number.parseInt(w, 16)) : []);
  const left = part(head);
  const right = part(tail);
  return tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The IPv4 address an IPv6 address stands for: IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::/96,
 * as DNS64 answers for an IPv4-only host), which connect to that IPv4 address.
 */
function embeddedIpv4(address: string): string | undefined {
  const w = ipv6Words(address);
  const mapped = w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff;
  const nat64 = w[0] === 0x64 && w[1] === 0xff9b && w.slice(2, 6).every((x) => x === 0);
  if (!mapped && !nat64) return undefined;
  return [w[6]! >> 8, w[6]! & 255, w[7]! >> 8, w[7]! & 255].join('.');
}

/** True for an address on the public internet; false for every kind named above. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address.split('%')[0]!);
  if (family === 4) return !nonPublic.check(address, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedIpv4(address);
  if (v4) return !nonPublic.check(v4, 'ipv4');
  return !nonPublic.check(address.split('%')[0]!, 'ipv6');
}

/** Whether the operator allows `address`, reached as `hostname`. */
function allowed(config: GuardConfig, hostname: string, address: string): boolean {
  if (config.allowPrivateAddresses || isPublicAddress(address)) return true;
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const ranges = new BlockList();
  for (const entry of config.LEXBRIDGE_ALLOWED_PRIVATE_HOSTS) {
    const [net, bits] = entry.split('/') as [string, string | undefined];
    const family = isIP(net);
    if (family === 0) {
      if (entry === host) return true;
      continue;
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    ranges.addSubnet(net, bits === undefined ? (family === 4 ? 32 : 128) : Number(bits), type);
  }
  const v4 = isIP(address) === 6 ? embeddedIpv4(address) : undefined;
  return v4 ? ranges.check(v4, 'ipv4') : ranges.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

export function addressNotAllowed(hostname: string): AppError {
  const host = hostname.replace(/^\[|\]$/g, '');
  return new AppError(
    'connector_address_not_allowed',
    `Lexbridge does not connect to ${host}: it is a loopback, private or other non-public address, which the operator has not allowed. ` +
      `Use the server's public address, or ask the operator to add ${host} to LEXBRIDGE_ALLOWED_PRIVATE_HOSTS (or to set LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES=true) on the Lexbridge server.`,
    { host },
  );
}

/** True for the refusal above (also when it comes back through a connection's error). */
export function isAddressRefusal(err: unknown): boolean {
  return err instanceof AppError && err.code === 'connector_address_not_allowed';
}

/**
 * The check where the host's name is not resolved here (behind an outbound proxy, before a
 * connection): an IP address, and `localhost` names, must be allowed. @throws connector_address_not_allowed
 */
export function assertLiteralAllowed(config: GuardConfig, hostname: string): void {
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const literal = isIP(host.split('%')[0]!) !== 0 ? host : isLoopbackHost(host) ? '127.0.0.1' : undefined;
  if (literal && !allowed(config, host, literal)) throw addressNotAllowed(host);
}

function resolve(hostname: string, family?: number): Promise<LookupAddress[]> {
  return new Promise((done, fail) =>
    lookup(hostname, { all: true, ...(family ? { family } : {}) }, (err, addresses) =>
      err ? fail(err) : done(addresses),
    ),
  );
}

/**
 * The host's addresses that the operator allows. @throws connector_address_not_allowed when it has
 * addresses but none is allowed; the DNS error when it does not resolve.
 */
export async function resolveAllowed(
  config: GuardConfig,
  hostname: string,
  family?: number,
): Promise<LookupAddress[]> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const ipFamily = isIP(host.split('%')[0]!);
  if (ipFamily !== 0) {
    assertLiteralAllowed(config, host);
    return [{ address: host, family: ipFamily }];
  }
  const addresses = (await resolve(host, family)).filter((a) => allowed(config, host, a.address));
  if (addresses.length === 0) throw addressNotAllowed(host);
  return addresses;
}

/** A `lookup` for net.connect/tls.connect (and undici's `connect` options) that answers only allowed addresses. */
export function guardedLookup(config: GuardConfig): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(
      config,
      hostname,
      options.family === 4 || options.family === 6 ? options.family : undefined,
    )
      .then((addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, ''));
  };
}
