/**
 * A private certificate authority and a server certificate for the emulator's https listeners,
 * generated with node:crypto (ECDSA P-256, SHA-256). Tests and clients trust the CA's PEM (through
 * NODE_EXTRA_CA_CERTS, an undici Agent's `connect.ca`, or a connector's CA-bundle setting).
 */
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import {
  bitString,
  boolean,
  explicit,
  implicit,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der.ts';

const ECDSA_WITH_SHA256 = sequence(objectIdentifier('1.2.840.10045.4.3.2'));
const DAY_MS = 86_400_000;

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
}

interface CertificateFields {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  days: number;
  extensions: Buffer[];
}

function name(commonName: string): Buffer {
  return sequence(set(sequence(objectIdentifier('2.5.4.3'), utf8String(commonName))));
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

function keyIdentifier(publicKey: KeyObject): Buffer {
  return createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest();
}

function buildCertificate(fields: CertificateFields): string {
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const now = Date.now();
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    ECDSA_WITH_SHA256,
    name(fields.issuer),
    sequence(time(new Date(now - DAY_MS)), time(new Date(now + fields.days * DAY_MS))),
    name(fields.subject),
    fields.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...fields.extensions)),
  );
  const signature = sign('sha256', tbs, fields.signingKey);
  const der = sequence(tbs, ECDSA_WITH_SHA256, bitString(signature));
  return new X509Certificate(der).toString();
}

const newKeyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

export function createCertificateAuthority(commonName = 'Lexbridge Graph emulator CA'): CertificateAuthority {
  const { publicKey, privateKey } = newKeyPair();
  const certPem = buildCertificate({
    subject: commonName,
    issuer: commonName,
    publicKey,
    signingKey: privateKey,
    days: 3650,
    extensions: [
      extension('2.5.29.19', true, sequence(boolean(true), smallInteger(0))),
      // keyCertSign | cRLSign
      extension('2.5.29.15', true, bitString(Buffer.from([0x06]), 1)),
      extension('2.5.29.14', false, octetString(keyIdentifier(publicKey))),
    ],
  });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function subjectAltNames(hosts: string[]): Buffer {
  const entries = hosts.map((host) => {
    const family = isIP(host);
    if (family === 4) return implicit(7, Buffer.from(host.split('.').map(Number)));
    if (family === 6) return implicit(7, ipv6Bytes(host));
    return implicit(2, Buffer.from(host, 'ascii'));
  });
  return sequence(...entries);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const groups = [...headParts, ...Array<string>(missing).fill('0'), ...tailParts];
  return Buffer.from(groups.flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]));
}

/** A server certificate for `hosts` (DNS names and IP addresses), signed by the CA. */
export function issueServerCertificate(ca: CertificateAuthority, hosts: string[]): ServerCertificate {
  const caKey = createPrivateKey(ca.keyPem);
  const caCert = new X509Certificate(ca.certPem);
  const { publicKey, privateKey } = newKeyPair();
  const certPem = buildCertificate({
    subject: hosts[0] ?? 'localhost',
    issuer: caCert.subject.replace(/^CN=/, ''),
    publicKey,
    signingKey: caKey,
    days: 365,
    extensions: [
      extension('2.5.29.19', true, sequence()),
      // digitalSignature
      extension('2.5.29.15', true, bitString(Buffer.from([0x80]), 7)),
      extension('2.5.29.37', false, sequence(objectIdentifier('1.3.6.1.5.5.7.3.1'))),
      extension('2.5.29.17', false, subjectAltNames(hosts)),
      extension('2.5.29.35', false, sequence(implicit(0, keyIdentifier(caCert.publicKey)))),
    ],
  });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/**
 * Loads `ca.pem` and `ca-key.pem` from `dir`, creating them on first use, so clients that trust the
 * CA keep trusting the emulator across restarts.
 */
export async function loadOrCreateCertificateAuthority(dir: string): Promise<CertificateAuthority> {
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca-key.pem');
  try {
    return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const ca = createCertificateAuthority();
  await mkdir(dir, { recursive: true });
  await writeFile(keyFile, ca.keyPem, { mode: 0o600 });
  await writeFile(certFile, ca.certPem);
  return ca;
}
