// The lab API server's identity and the learner's credential: a CA made for this lab
// alone, a serving certificate it signs for 127.0.0.1, and a random bearer token.
// Keys never leave the supervisor's memory; the kubeconfig carries the CA certificate
// and the token, so kubectl trusts only this lab and this lab trusts only its owner.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, timingSafeEqual, webcrypto } from 'node:crypto';

export interface ApiCredentials {
  caPem: string;
  certPem: string;
  keyPem: string;
  token: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
/** A lab lives for hours; a year is far past any lab and short of anything a client calls absurd. */
const VALIDITY_MS = 365 * 24 * 3600 * 1000;

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').trimEnd();
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

const serial = () =>
  randomBytes(8)
    .toString('hex')
    .replace(/^[89a-f]/, '1');

export async function makeCredentials(lab: string): Promise<ApiCredentials> {
  const subtle = webcrypto.subtle;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + VALIDITY_MS);
  const caKeys = await subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=netbreak-${lab}-ca`,
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const serverKeys = await subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=netbreak-${lab}-apiserver`,
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false),
    ],
  });
  return {
    caPem: ca.toString('pem'),
    certPem: cert.toString('pem'),
    keyPem: pem('PRIVATE KEY', await subtle.exportKey('pkcs8', serverKeys.privateKey)),
    token: randomBytes(32).toString('base64url'),
  };
}

/** Whether an Authorization header carries the lab's token (compared in constant time). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
