// Typed access to the certificate extensions the checks rely on. An extension that is present
// but does not parse is reported as `'unparsable'` so callers refuse rather than skip it.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export const EXTENSION = {
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  certificatePolicies: '2.5.29.32',
  extendedKeyUsage: '2.5.29.37',
} as const;

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
export const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

type Parsed<T> = T | undefined | 'unparsable';

function extensionValue(certificate: pkijs.Certificate, oid: string): unknown {
  const extension = certificate.extensions?.find((e) => e.extnID === oid);
  if (!extension) return undefined;
  const value: unknown = extension.parsedValue;
  const failed =
    value === undefined || (typeof value === 'object' && value !== null && 'parsingError' in value);
  return failed ? 'unparsable' : value;
}

/** The KeyUsage bits as bytes, most significant bit first (bit 0 = 0x80 of byte 0). */
export function keyUsageOf(certificate: pkijs.Certificate): Parsed<Uint8Array> {
  const value = extensionValue(certificate, EXTENSION.keyUsage);
  if (value === undefined) return undefined;
  return value instanceof asn1js.BitString ? value.valueBlock.valueHexView : 'unparsable';
}

export function hasKeyUsageBit(bits: Uint8Array, bit: number): boolean {
  return ((bits[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0;
}

export function extendedKeyUsageOf(certificate: pkijs.Certificate): Parsed<string[]> {
  const value = extensionValue(certificate, EXTENSION.extendedKeyUsage);
  if (value === undefined) return undefined;
  return value instanceof pkijs.ExtKeyUsage ? value.keyPurposes : 'unparsable';
}

export interface CaConstraints {
  ca: boolean;
  pathLength?: number;
}

export function basicConstraintsOf(certificate: pkijs.Certificate): Parsed<CaConstraints> {
  const value = extensionValue(certificate, EXTENSION.basicConstraints);
  if (value === undefined) return undefined;
  if (!(value instanceof pkijs.BasicConstraints)) return 'unparsable';
  const pathLength = value.pathLenConstraint;
  // pkijs hands over an Integer object only when the number is too large to matter.
  return typeof pathLength === 'number' ? { ca: value.cA, pathLength } : { ca: value.cA };
}

/** Critical extensions this module acts on (or, for SAN and policies, may safely accept). */
const UNDERSTOOD_CRITICAL = new Set<string>(Object.values(EXTENSION));

/**
 * RFC 5280 §4.2: a certificate with a critical extension the relying party does not process must
 * be rejected (e.g. nameConstraints, which this module does not enforce). Also refuses duplicates.
 */
export function hasUnsupportedExtensions(certificate: pkijs.Certificate): boolean {
  const extensions = certificate.extensions ?? [];
  const ids = extensions.map((e) => e.extnID);
  if (new Set(ids).size !== ids.length) return true;
  return extensions.some((e) => e.critical && !UNDERSTOOD_CRITICAL.has(e.extnID));
}
