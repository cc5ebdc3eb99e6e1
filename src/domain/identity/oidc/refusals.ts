// Why a sign-in at the identity provider is refused: the provider answered, but what it
// answered does not prove who the citizen is. Each refusal is a 401 with a stable `reason`;
// details never quote the provider's data.
import { IdentityVerificationFailedError } from '../../errors.js';

export type OidcRefusalReason =
  | 'bad-signature'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'expired'
  | 'wrong-nonce'
  | 'acr-not-accepted'
  | 'missing-national-id'
  | 'invalid-token'
  | 'response-issuer-missing'
  | 'response-issuer-mismatch'
  | 'userinfo-subject-mismatch';

const DETAILS: Record<OidcRefusalReason, string> = {
  'bad-signature': "The ID token's signature does not verify with the identity provider's keys",
  'wrong-issuer': 'The ID token was issued by another issuer',
  'wrong-audience': 'The ID token was issued for another client',
  expired: 'The ID token has expired',
  'wrong-nonce': 'The ID token does not carry the nonce of this sign-in',
  'acr-not-accepted': "The ID token's authentication context (acr) is not accepted",
  'missing-national-id': 'Neither the ID token nor the UserInfo response carries the national ID',
  'invalid-token': 'The ID token is malformed or uses an algorithm that is not accepted',
  'response-issuer-missing':
    'The authorization response has no "iss", which this identity provider promises to send',
  'response-issuer-mismatch': 'The authorization response names another issuer',
  'userinfo-subject-mismatch': 'The UserInfo response is about another subject than the ID token',
};

export function oidcRefusal(reason: OidcRefusalReason): IdentityVerificationFailedError {
  return new IdentityVerificationFailedError(DETAILS[reason], { reason });
}
