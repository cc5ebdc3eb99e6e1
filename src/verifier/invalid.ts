// Verdicts of `invalid` travel as this exception inside the verifier; the entry point
// turns it into `{ status: 'invalid', code, reason }`.

/** Why a token was found invalid, as a stable code (the `reason` text may change). */
export type InvalidReasonCode =
  /** Not a JWS in compact serialisation, or its header or payload is not JSON. */
  | 'malformed'
  /** The header `typ` is not the expected media type. */
  | 'typ'
  /** The header `alg` is not in the allow-list (this covers `none` and HMAC). */
  | 'alg'
  /** No `kid`, a `kid` the JWKS does not hold, several keys under it, or a key unfit for `alg`. */
  | 'kid'
  | 'signature'
  /** `iss` is not the expected issuer. */
  | 'issuer'
  /** `nbf` or `iat` lies in the future (beyond the clock tolerance). */
  | 'not-yet-valid'
  /** A claim is missing or ill-typed. */
  | 'claims'
  /** The status list could not be fetched (network error or a status other than 200). */
  | 'status-unavailable'
  /** The Status List Token failed verification, has expired, or names another list or issuer. */
  | 'status-list-invalid'
  /** The index lies outside the status list, or the status value has no meaning here. */
  | 'status-unknown';

export class Invalid extends Error {
  constructor(
    readonly code: InvalidReasonCode,
    message: string,
  ) {
    super(message);
  }
}
