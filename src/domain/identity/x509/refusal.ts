// Every way the x509 source can refuse, as stable codes clients and dashboards can rely on.
import { IdentityVerificationFailedError, MalformedRequestError } from '../../errors.js';

export type X509RefusalReason =
  | 'content-mismatch'
  | 'bad-signature'
  | 'untrusted-chain'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'certificate-revoked'
  | 'crl-missing'
  | 'crl-invalid'
  | 'key-usage'
  | 'holder-role'
  | 'no-national-id'
  | 'ocsp-invalid'
  | 'revocation-unknown'
  | 'verifier-mismatch';

/** Details name certificates by role only: subjects carry personal data (names, the national ID). */
export function refusal(reason: X509RefusalReason, detail: string): IdentityVerificationFailedError {
  return new IdentityVerificationFailedError(detail, { reason });
}

export function malformedCms(detail: string): MalformedRequestError {
  return new MalformedRequestError(detail, { reason: 'malformed-cms' });
}

/** How a detail names a certificate: by its place in the chain, never by its subject. */
export function roleOf(index: number, { capital = false } = {}): string {
  const role = index === 0 ? "the signer's certificate" : 'a CA certificate in the chain';
  return capital ? role.charAt(0).toUpperCase() + role.slice(1) : role;
}
