import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The operator's say on which non-public addresses (loopback, private networks, link-local, …)
 * Lexbridge may connect to for a connector: LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES (all of them) and
 * LEXBRIDGE_ALLOWED_PRIVATE_HOSTS (named hosts, addresses and CIDR ranges). Without the first, they
 * are allowed only in local mode: the server answers on loopback only and its public URL is a
 * loopback address, so only people on this machine can use it (`npm start`, the emulators).
 * connectors/address-guard.ts applies the setting.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

const hostName =
  /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** A host name, an IPv4 or IPv6 address, or a CIDR range such as 10.0.0.0/8. */
function isHostOrRange(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (bits !== undefined)
    return family !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
  return family !== 0 || hostName.test(address);
}

export const allowedPrivateHosts = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  )
  .refine((entries) => entries.every(isHostOrRange), {
    message:
      'expected host names, addresses or CIDR ranges, comma-separated (e.g. imanage.firm.local,10.20.0.0/16)',
  });

/** Local mode: bound to loopback, and the public URL is a loopback address. */
export function isLocalMode(config: { HOST: string; publicUrl: string }): boolean {
  return isLoopbackHost(config.HOST) && isLoopbackHost(new URL(config.publicUrl).hostname);
}
