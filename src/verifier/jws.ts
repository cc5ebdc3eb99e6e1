// One JWS check for both token kinds: header first (typ, alg allow-list, kid), then the
// signature with the one key the JWKS holds under that kid, then jose's time checks.
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  type ProtectedHeaderParameters,
} from 'jose';
import { Invalid } from './invalid.js';

export interface JwsCheck {
  /** The expected `typ`, e.g. `wallet-attestation+jwt`. */
  typ: string;
  jwks: JSONWebKeySet;
  algorithms: readonly string[];
  now: Date;
  toleranceSeconds: number;
}

export interface VerifiedJws {
  payload: JWTPayload;
  /** The signature and every other check passed, but `exp` has passed. */
  expired: boolean;
}

/**
 * RFC 8725 §3.11 explicit typing. Media types compare case-insensitively, and `typ` may
 * carry the full `application/` form (RFC 7515 §4.1.9).
 */
function typMatches(typ: unknown, expected: string): boolean {
  if (typeof typ !== 'string') return false;
  const normalised = typ.toLowerCase();
  return normalised === expected || normalised === `application/${expected}`;
}

function show(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

export async function verifyJws(token: string, check: JwsCheck): Promise<VerifiedJws> {
  if (typeof token !== 'string' || token.split('.').length !== 3) {
    throw new Invalid('malformed', 'not a JWS in compact serialisation');
  }
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new Invalid('malformed', 'the JWS header is not a base64url-encoded JSON object');
  }
  if (!typMatches(header.typ, check.typ)) {
    throw new Invalid('typ', `typ must be ${check.typ} (got ${show(header.typ)})`);
  }
  const { alg, kid } = header;
  if (typeof alg !== 'string' || !check.algorithms.includes(alg)) {
    throw new Invalid('alg', `alg ${show(alg)} is not allowed (allowed: ${check.algorithms.join(', ')})`);
  }
  if (typeof kid !== 'string' || kid === '') throw new Invalid('kid', 'the JWS header names no kid');
  // Only the keys under this kid: a token never gets to try the rest of the set.
  const keys = check.jwks.keys.filter((key) => key.kid === kid);
  if (keys.length === 0) throw new Invalid('kid', `kid ${show(kid)} is not in the issuer's JWKS`);

  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys }), {
      algorithms: [alg],
      currentDate: check.now,
      clockTolerance: check.toleranceSeconds,
    });
    return { payload, expired: false };
  } catch (error) {
    // jose checks the signature before any claim: an expired token is genuine, only old.
    if (error instanceof errors.JWTExpired) return { payload: error.payload, expired: true };
    throw invalidFrom(error, kid, alg);
  }
}

function invalidFrom(error: unknown, kid: string, alg: string): Invalid {
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new Invalid('signature', 'the signature does not verify');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed') {
      return new Invalid('not-yet-valid', 'the token is not valid yet (nbf)');
    }
    return new Invalid('claims', `ill-typed claim: ${error.message}`);
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return new Invalid('kid', `the JWKS holds several keys under kid ${show(kid)}`);
  }
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return new Invalid('kid', `the key under kid ${show(kid)} cannot verify ${alg}`);
  }
  // JWSInvalid, JWTInvalid (e.g. a payload that is not a JSON object), and anything else.
  return new Invalid('malformed', error instanceof Error ? error.message : 'unreadable token');
}
