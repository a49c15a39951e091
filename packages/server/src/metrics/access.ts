import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4 } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/index.ts';
import { AppError } from '../errors.ts';

/**
 * Who may read GET /metrics (docs/operations.md, "Metrics"):
 * - LEXBRIDGE_METRICS_TOKEN set: the caller presents it (`Authorization: Bearer …`);
 * - LEXBRIDGE_METRICS_ALLOW set: the caller's address is in one of its ranges;
 * - both set: both; neither: loopback only, and not through a reverse proxy.
 *
 * The last rule matters when a proxy on the same machine forwards to Lexbridge: every request then
 * comes from 127.0.0.1, so a request bearing X-Forwarded-For or Forwarded is refused unless
 * LEXBRIDGE_TRUST_PROXY says whom to believe (and request.ip is then the client's own address).
 */
export function checkMetricsAccess(request: FastifyRequest, config: Config): void {
  const token = config.LEXBRIDGE_METRICS_TOKEN;
  const allow = config.LEXBRIDGE_METRICS_ALLOW;
  if (token && !presents(request, token)) {
    throw new AppError('unauthenticated', 'Present the metrics token: Authorization: Bearer <token>.');
  }
  if (allow.length > 0 ? inRanges(request.ip, allow) : token || isLocal(request, config)) return;
  throw new AppError(
    'forbidden',
    'Metrics are not served to this address. See LEXBRIDGE_METRICS_ALLOW and LEXBRIDGE_METRICS_TOKEN.',
  );
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function presents(request: FastifyRequest, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

function isLocal(request: FastifyRequest, config: Config): boolean {
  const proxied = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  if (proxied && config.LEXBRIDGE_TRUST_PROXY === undefined) return false;
  return inRanges(request.ip, ['127.0.0.0/8', '::1/128']);
}

/** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) lies in one of the addresses or CIDRs. */
export function inRanges(address: string, ranges: readonly string[]): boolean {
  const list = new BlockList();
  for (const range of ranges) {
    const [network = '', bits] = range.split('/');
    const type = isIPv4(network) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(network, type);
    else list.addSubnet(network, Number(bits), type);
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const plain = mapped ?? address;
  return list.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
}
