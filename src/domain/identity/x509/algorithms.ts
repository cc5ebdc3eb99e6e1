// Algorithm policy: SHA-2 only. SHA-1 collisions are practical, so a SHA-1 signature over a
// certificate, CRL or signed attributes proves nothing.
import * as pkijs from 'pkijs';

const SHA2_BY_OID: ReadonlyMap<string, string> = new Map([
  ['2.16.840.1.101.3.4.2.1', 'SHA-256'],
  ['2.16.840.1.101.3.4.2.2', 'SHA-384'],
  ['2.16.840.1.101.3.4.2.3', 'SHA-512'],
]);

const FIXED_HASH_SIGNATURES = new Set([
  '1.2.840.113549.1.1.11', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12', // sha384WithRSAEncryption
  '1.2.840.113549.1.1.13', // sha512WithRSAEncryption
  '1.2.840.10045.4.3.2', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3', // ecdsa-with-SHA384
  '1.2.840.10045.4.3.4', // ecdsa-with-SHA512
]);

/** CMS signers may name plain rsaEncryption; the hash then comes from the digest algorithm. */
export const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSASSA_PSS = '1.2.840.113549.1.1.10';

/** The Web Crypto name of an accepted digest algorithm, or undefined. */
export function sha2Name(oid: string): string | undefined {
  return SHA2_BY_OID.get(oid);
}

export function isAcceptedSignatureAlgorithm(algorithm: pkijs.AlgorithmIdentifier): boolean {
  if (FIXED_HASH_SIGNATURES.has(algorithm.algorithmId)) return true;
  if (algorithm.algorithmId !== RSASSA_PSS) return false;
  try {
    // Absent parameters mean SHA-1 (RFC 4055), which the default hashAlgorithm reflects.
    const params = new pkijs.RSASSAPSSParams({ schema: algorithm.algorithmParams });
    return SHA2_BY_OID.has(params.hashAlgorithm.algorithmId);
  } catch {
    return false;
  }
}
