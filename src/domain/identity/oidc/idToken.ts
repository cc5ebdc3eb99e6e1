// ID token verification: signature against the IdP's keys, then every claim the code flow
// relies on. Refusals carry a stable `reason`; details never quote the token's contents.
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Clock } from '../../clock.js';
import { type OidcRefusalReason, oidcRefusal } from './refusals.js';

/** Asymmetric algorithms only: 'none' and HS* (keyed with a secret the IdP shares) are never accepted. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 30;
/** An ID token is used right after it is issued; an old one is a replay. */
const MAX_TOKEN_AGE_SECONDS = 600;

function reasonFor(error: errors.JOSEError): OidcRefusalReason {
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return 'bad-signature';
  }
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'wrong-issuer';
    if (error.claim === 'aud') return 'wrong-audience';
  }
  return 'invalid-token';
}

export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  nonce: string;
  acceptedAcr: readonly string[];
  clock: Clock;
}

export async function verifyIdToken(
  idToken: string,
  keys: JWTVerifyGetKey,
  expected: IdTokenExpectations,
): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, keys, {
      issuer: expected.issuer,
      audience: expected.clientId,
      algorithms: ACCEPTED_ALGORITHMS,
      currentDate: expected.clock.now(),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_TOKEN_AGE_SECONDS, // also requires iat and refuses one in the future
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (error) {
    // Errors from fetching the keys (IdentityProviderError) are the IdP's, and pass through.
    if (error instanceof errors.JOSEError) throw oidcRefusal(reasonFor(error));
    throw error;
  }
  // OIDC Core §3.1.3.7: with several audiences, azp must name us; when present, it always must.
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if ((audiences.length > 1 || payload.azp !== undefined) && payload.azp !== expected.clientId) {
    throw oidcRefusal('wrong-audience');
  }
  if (typeof payload.nonce !== 'string' || payload.nonce !== expected.nonce) {
    throw oidcRefusal('wrong-nonce');
  }
  if (
    expected.acceptedAcr.length > 0 &&
    (typeof payload.acr !== 'string' || !expected.acceptedAcr.includes(payload.acr))
  ) {
    throw oidcRefusal('acr-not-accepted');
  }
  return payload;
}
