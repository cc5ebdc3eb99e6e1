// One error class per problem type. Each maps one-to-one to an RFC 9457
// problem+json document; the HTTP layer renders them without knowing any of them.

export const PROBLEM_BASE = 'https://wallet-attest.example/problems/';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

export abstract class ProblemError extends Error {
  abstract readonly slug: string;
  abstract readonly title: string;
  abstract readonly status: number;
  readonly extensions: Record<string, unknown>;

  constructor(detail?: string, extensions: Record<string, unknown> = {}) {
    super(detail);
    this.extensions = extensions;
  }

  override get name(): string {
    return this.constructor.name;
  }

  get type(): string {
    return PROBLEM_BASE + this.slug;
  }

  toProblem(): ProblemDetails {
    const problem: ProblemDetails = {
      ...this.extensions,
      type: this.type,
      title: this.title,
      status: this.status,
    };
    if (this.message) problem.detail = this.message;
    return problem;
  }
}

// 400 — request shape
export class MalformedRequestError extends ProblemError {
  readonly slug = 'malformed-request';
  readonly title = 'The request is malformed';
  readonly status = 400;
}

/** A regulator lookup or action without a valid purpose code and case reference. */
export class AccessPurposeRequiredError extends ProblemError {
  readonly slug = 'access-purpose-required';
  readonly title = 'A purpose and a case reference are required';
  readonly status = 400;
}

export class ValidationError extends ProblemError {
  readonly slug = 'validation-failed';
  readonly title = 'The request did not pass validation';
  readonly status = 422;
}

export class InvalidNationalIdError extends ProblemError {
  readonly slug = 'invalid-national-id';
  readonly title = 'The national ID is not valid';
  readonly status = 422;
}

export class UnsupportedCountryError extends ProblemError {
  readonly slug = 'unsupported-country';
  readonly title = 'No national ID rule is configured for this country';
  readonly status = 422;
}

export class PayloadTooLargeError extends ProblemError {
  readonly slug = 'payload-too-large';
  readonly title = 'The request body is too large';
  readonly status = 413;
}

export class UnsupportedMediaTypeError extends ProblemError {
  readonly slug = 'unsupported-media-type';
  readonly title = 'The request body must be application/json';
  readonly status = 415;
}

// Challenges (WebAuthn, x509, OIDC state): unknown, replayed and expired look the same
// to the client on purpose — the row is gone either way.
export class ChallengeInvalidError extends ProblemError {
  readonly slug = 'challenge-invalid';
  readonly title = 'The challenge is unknown, expired or already used';
  readonly status = 400;
}

// Identity verification
export class IdentityVerificationFailedError extends ProblemError {
  readonly slug = 'identity-verification-failed';
  readonly title = 'The identity could not be verified';
  readonly status = 401;
}

export class IdentitySourceUnavailableError extends ProblemError {
  readonly slug = 'identity-source-unavailable';
  readonly title = 'This identity source is not enabled';
  readonly status = 404;
}

export class IdentityProviderError extends ProblemError {
  readonly slug = 'identity-provider-error';
  readonly title = 'The identity provider could not be reached or answered wrongly';
  readonly status = 502;
}

/** An eGov Mobile signing completed before the citizen has signed in the app: ask again later. */
export class SigningNotFinishedError extends ProblemError {
  readonly slug = 'signing-not-finished';
  readonly title = 'The signature has not arrived yet';
  readonly status = 409;
}

/** NCANode or an OCSP responder the x509 check relies on did not answer; nothing was changed. */
export class IdentityCheckUnavailableError extends ProblemError {
  readonly slug = 'identity-check-unavailable';
  readonly title = 'A service the identity check relies on cannot be reached';
  readonly status = 503;
}

// Passkeys
export class PasskeyVerificationFailedError extends ProblemError {
  readonly slug = 'passkey-verification-failed';
  readonly title = 'The passkey response could not be verified';
  readonly status = 401;
}

export class PasskeyNotFoundError extends ProblemError {
  readonly slug = 'passkey-not-found';
  readonly title = 'No such passkey';
  readonly status = 404;
}

export class LastPasskeyError extends ProblemError {
  readonly slug = 'last-passkey';
  readonly title = 'The last passkey can only be removed right after verifying your identity again';
  readonly status = 409;
}

// Accounts and proofs of control
export class InvalidAccountError extends ProblemError {
  readonly slug = 'invalid-account';
  readonly title = 'The account is not a valid CAIP-10 account ID';
  readonly status = 422;
}

export class UnsupportedNamespaceError extends ProblemError {
  readonly slug = 'unsupported-namespace';
  readonly title = 'Accounts of this blockchain namespace are not supported';
  readonly status = 422;
}

export class UnsupportedChainError extends ProblemError {
  readonly slug = 'unsupported-chain';
  readonly title = 'This chain is not supported';
  readonly status = 422;
}

export class StepUpRequiredError extends ProblemError {
  readonly slug = 'step-up-required';
  readonly title = 'Confirm with your passkey first';
  readonly status = 403;
}

export class ChallengeExpiredError extends ProblemError {
  readonly slug = 'challenge-expired';
  readonly title = 'The challenge has expired';
  readonly status = 400;
}

export class MessageMismatchError extends ProblemError {
  readonly slug = 'message-mismatch';
  readonly title = 'The message is not the one issued';
  readonly status = 400;
}

export class SignatureInvalidError extends ProblemError {
  readonly slug = 'signature-invalid';
  readonly title = 'The signature does not prove control of the account';
  readonly status = 422;
}

/** An EOA signature in any encoding but the one canonical form (65 bytes, low s, v 27 or 28). */
export class SignatureNotCanonicalError extends ProblemError {
  readonly slug = 'signature-not-canonical';
  readonly title = 'The signature is not in canonical form';
  readonly status = 422;
}

export class ProofMethodUnavailableError extends ProblemError {
  readonly slug = 'proof-method-unavailable';
  readonly title = 'This proof method is not available for this chain';
  readonly status = 422;
}

export class ChainUnavailableError extends ProblemError {
  readonly slug = 'chain-unavailable';
  readonly title = "The chain's RPC endpoint could not be reached";
  readonly status = 502;
}

export class OnchainProofInvalidError extends ProblemError {
  readonly slug = 'onchain-proof-invalid';
  readonly title = 'The transaction does not prove control of the account';
  readonly status = 422;
}

export class InsufficientConfirmationsError extends ProblemError {
  readonly slug = 'insufficient-confirmations';
  readonly title = 'The transaction does not have enough confirmations yet';
  readonly status = 409;
}

export class AccountAlreadyBoundError extends ProblemError {
  readonly slug = 'account-already-bound';
  readonly title = 'The account is already linked to another identity';
  readonly status = 409;
}

/** A regulator revoked the account's binding; a new holder needs the regulator's review first. */
export class AccountUnderReviewError extends ProblemError {
  readonly slug = 'account-under-review';
  readonly title = 'A regulator must review this account before it is linked again';
  readonly status = 409;
}

export class BindingLimitReachedError extends ProblemError {
  readonly slug = 'binding-limit-reached';
  readonly title = 'This identity has linked the maximum number of accounts';
  readonly status = 409;
}

export class BindingNotActiveError extends ProblemError {
  readonly slug = 'binding-not-active';
  readonly title = 'The binding is no longer active';
  readonly status = 409;

  /** `binding.status` becomes the problem's `bindingStatus` (`status` is the HTTP status). */
  constructor(detail: string, binding?: { status: string }) {
    super(detail, binding ? { bindingStatus: binding.status } : {});
  }
}

// Attestations
export class RenewalNotDueError extends ProblemError {
  readonly slug = 'renewal-not-due';
  readonly title = 'The attestation cannot be renewed yet';
  readonly status = 409;
}

// Regulator
/** An approval asked for after the pending action's time limit. */
export class ApprovalExpiredError extends ProblemError {
  readonly slug = 'approval-expired';
  readonly title = 'The time to approve this action has run out';
  readonly status = 409;
}

/** An approval of a pending action that was already approved. */
export class ApprovalClosedError extends ProblemError {
  readonly slug = 'approval-closed';
  readonly title = 'This action is no longer awaiting approval';
  readonly status = 409;
}

export class RevocationFinalError extends ProblemError {
  readonly slug = 'revocation-final';
  readonly title = 'A revocation is final';
  readonly status = 409;
}

export class IdentityLinkBlockedError extends ProblemError {
  readonly slug = 'identity-link-blocked';
  readonly title = 'This identity may not link accounts';
  readonly status = 403;
}

// Sessions and access
export class AuthenticationRequiredError extends ProblemError {
  readonly slug = 'authentication-required';
  readonly title = 'Sign in first';
  readonly status = 401;
}

export class EnrollmentOnlyError extends ProblemError {
  readonly slug = 'enrollment-session';
  readonly title = 'This session may only register a passkey';
  readonly status = 403;
}

export class ForbiddenError extends ProblemError {
  readonly slug = 'forbidden';
  readonly title = 'You may not do this';
  readonly status = 403;
}

/** An officer approving an action they asked for themselves (four eyes). */
export class SelfApprovalError extends ProblemError {
  readonly slug = 'four-eyes-self-approval';
  readonly title = 'A second officer must approve this action';
  readonly status = 403;
}

export class OriginMismatchError extends ProblemError {
  readonly slug = 'origin-mismatch';
  readonly title = 'The request came from another origin';
  readonly status = 403;
}

export class NotFoundError extends ProblemError {
  readonly slug = 'not-found';
  readonly title = 'Not found';
  readonly status = 404;
}

export class MethodNotAllowedError extends ProblemError {
  readonly slug = 'method-not-allowed';
  readonly title = 'Method not allowed';
  readonly status = 405;
}

export class RateLimitedError extends ProblemError {
  readonly slug = 'rate-limited';
  readonly title = 'Too many requests';
  readonly status = 429;
  /** Seconds until a retry can succeed (the HTTP layer sends it as Retry-After). */
  retryAfterSeconds = 1;
}

// Exchange API
export class InvalidApiKeyError extends ProblemError {
  readonly slug = 'invalid-api-key';
  readonly title = 'The API key is missing, unknown or revoked';
  readonly status = 401;
}

export class InvalidOperatorTokenError extends ProblemError {
  readonly slug = 'invalid-operator-token';
  readonly title = 'The operator token is missing or wrong';
  readonly status = 401;
}

export class InsufficientScopeError extends ProblemError {
  readonly slug = 'insufficient-scope';
  readonly title = 'The API key lacks the scope this route needs';
  readonly status = 403;
}

export class InvalidWebhookUrlError extends ProblemError {
  readonly slug = 'invalid-webhook-url';
  readonly title = 'The webhook URL is not acceptable';
  readonly status = 422;
}

// 503 — the service's own storage cannot serve the request right now. Nothing was
// changed; the client retries after Retry-After.
export abstract class StorageFaultError extends ProblemError {
  readonly status = 503;
  /** Seconds after which a retry may succeed (the HTTP layer sends it as Retry-After). */
  retryAfterSeconds = 5;
}

export class DatabaseUnavailableError extends StorageFaultError {
  readonly slug = 'database-unavailable';
  readonly title = 'The database is unavailable';
}

export class StorageFullError extends StorageFaultError {
  readonly slug = 'storage-full';
  readonly title = 'The service cannot store anything: its disk is full';
}

export class StorageReadOnlyError extends StorageFaultError {
  readonly slug = 'storage-read-only';
  readonly title = 'The service cannot store anything: its storage is read-only';
}

/** Unexpected failures: the detail is never shown to the client. */
export class InternalError extends ProblemError {
  readonly slug = 'internal-error';
  readonly title = 'Internal error';
  readonly status = 500;
}
