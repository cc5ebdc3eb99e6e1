// Every refusal the API can return, as people read it: one title and one explanation per
// problem type (src/domain/errors.ts), keyed by the type's slug. The English title is the
// type's own title; the detail says what happened and what to do next, for a citizen or
// an officer. Problem documents in Kazakh and Russian carry these texts, and pages show
// them instead of the service's technical detail.
export const problems = {
  'problem.malformed-request.title': 'The request is malformed',
  'problem.malformed-request.detail':
    'The service could not read what was sent. Reload the page and try again; if it keeps happening, the link or form you used may be out of date.',
  'problem.access-purpose-required.title': 'A purpose and a case reference are required',
  'problem.access-purpose-required.detail':
    'Every lookup of a person and every action on their attestations is recorded with its purpose and the case it serves. Choose the purpose and enter the case reference, then try again.',
  'problem.four-eyes-self-approval.title': 'A second officer must approve this action',
  'problem.four-eyes-self-approval.detail':
    'Revoking an identity, lifting a link block and granting the regulator role need two officers: the one who asked cannot approve. Ask another officer to approve it with their own passkey.',
  'problem.approval-expired.title': 'The time to approve this action has run out',
  'problem.approval-expired.detail':
    'A pending action must be approved within its time limit. Ask for the action again if it is still needed.',
  'problem.approval-closed.title': 'This action is no longer awaiting approval',
  'problem.approval-closed.detail':
    'Another officer has already approved it, and it has been carried out. Open the person to see the result.',
  'problem.validation-failed.title': 'The request did not pass validation',
  'problem.validation-failed.detail':
    'Some of the information sent is missing or in the wrong format. Check what you entered and try again.',
  'problem.invalid-national-id.title': 'The national ID is not valid',
  'problem.invalid-national-id.detail':
    'The national ID number is not valid. In Kazakhstan it is the 12-digit IIN, whose last digit is a check digit. Check the number and try again.',
  'problem.unsupported-country.title': 'No national ID rule is configured for this country',
  'problem.unsupported-country.detail':
    'National ID numbers of this country cannot be checked by this service. Only the countries it is configured for are accepted.',
  'problem.payload-too-large.title': 'The request body is too large',
  'problem.payload-too-large.detail':
    'Too much data was sent at once. Send less, for example fewer accounts in one request, and try again.',
  'problem.unsupported-media-type.title': 'The request body must be application/json',
  'problem.unsupported-media-type.detail':
    'The data was sent in a format the service does not accept. Reload the page and try again.',
  'problem.challenge-invalid.title': 'The challenge is unknown, expired or already used',
  'problem.challenge-invalid.detail':
    'This confirmation request is no longer valid: it has expired or has already been used. Start this step again to get a new one.',
  'problem.identity-verification-failed.title': 'The identity could not be verified',
  'problem.identity-verification-failed.detail':
    'Your identity could not be confirmed. Sign in again; if you use a digital signature certificate, check that it is valid and issued to you.',
  'problem.identity-source-unavailable.title': 'This identity source is not enabled',
  'problem.identity-source-unavailable.detail':
    'This way of confirming your identity is not available on this service. Choose another way on the home page.',
  'problem.identity-provider-error.title': 'The identity provider could not be reached or answered wrongly',
  'problem.identity-provider-error.detail':
    'The service that confirms your identity did not answer or answered with an error. Nothing was changed; try again in a few minutes.',
  'problem.signing-not-finished.title': 'The signature has not arrived yet',
  'problem.signing-not-finished.detail':
    'The signature from eGov Mobile has not arrived yet. Finish signing in the eGov Mobile app, then continue here.',
  'problem.identity-check-unavailable.title': 'A service the identity check relies on cannot be reached',
  'problem.identity-check-unavailable.detail':
    'A service needed to check your certificate cannot be reached right now. Nothing was changed; try again in a few minutes.',
  'problem.passkey-verification-failed.title': 'The passkey response could not be verified',
  'problem.passkey-verification-failed.detail':
    'Your passkey could not be confirmed. Try again on the device that holds it; if it keeps failing, confirm your identity again and add a new passkey.',
  'problem.passkey-not-found.title': 'No such passkey',
  'problem.passkey-not-found.detail':
    'This passkey is not registered for you, or it has been removed. Reload the page to see your current passkeys.',
  'problem.last-passkey.title':
    'The last passkey can only be removed right after verifying your identity again',
  'problem.last-passkey.detail':
    'This is your only passkey, and without one you cannot sign in. Add another passkey first, or confirm your identity again and then remove it.',
  'problem.invalid-account.title': 'The account is not a valid CAIP-10 account ID',
  'problem.invalid-account.detail':
    'The account address is not written correctly. Copy the address from your wallet again, without spaces, and try once more.',
  'problem.unsupported-namespace.title': 'Accounts of this blockchain namespace are not supported',
  'problem.unsupported-namespace.detail':
    'Accounts of this blockchain cannot be linked here. Choose an account on one of the blockchains the service lists.',
  'problem.unsupported-chain.title': 'This chain is not supported',
  'problem.unsupported-chain.detail':
    'This network is not supported. Switch your wallet to one of the networks the service lists and try again.',
  'problem.step-up-required.title': 'Confirm with your passkey first',
  'problem.step-up-required.detail':
    'This action needs a fresh confirmation. Confirm with your passkey, then repeat the action.',
  'problem.challenge-expired.title': 'The challenge has expired',
  'problem.challenge-expired.detail':
    'The time to sign this message has run out. Ask for a new message and sign it again.',
  'problem.message-mismatch.title': 'The message is not the one issued',
  'problem.message-mismatch.detail':
    'The signed message differs from the one the service issued. Sign the message exactly as shown, without changing anything in it.',
  'problem.signature-invalid.title': 'The signature does not prove control of the account',
  'problem.signature-invalid.detail':
    'The signature does not match this account. Sign with the wallet that holds this account and try again.',
  'problem.signature-not-canonical.title': 'The signature is not in canonical form',
  'problem.signature-not-canonical.detail':
    'The signature is in a form the service does not accept. Sign again; if it keeps happening, try another wallet app.',
  'problem.proof-method-unavailable.title': 'This proof method is not available for this chain',
  'problem.proof-method-unavailable.detail':
    'This way of proving that the account is yours is not available on this network. Sign a message instead.',
  'problem.chain-unavailable.title': "The chain's RPC endpoint could not be reached",
  'problem.chain-unavailable.detail':
    'The blockchain network cannot be reached right now. Nothing was changed; try again in a few minutes.',
  'problem.onchain-proof-invalid.title': 'The transaction does not prove control of the account',
  'problem.onchain-proof-invalid.detail':
    'This transaction does not show that you control the account. Check that it was sent from this account with the data the service asked for, then try again.',
  'problem.insufficient-confirmations.title': 'The transaction does not have enough confirmations yet',
  'problem.insufficient-confirmations.detail':
    'The transaction is not yet confirmed by enough blocks. Wait a few minutes and submit it again.',
  'problem.account-already-bound.title': 'The account is already linked to another identity',
  'problem.account-already-bound.detail':
    'This account is already linked to another person. If the account is yours, contact the regulator.',
  'problem.account-under-review.title': 'A regulator must review this account before it is linked again',
  'problem.account-under-review.detail':
    'A regulator revoked an earlier link of this account. It can be linked again only after the regulator has reviewed it; contact the regulator.',
  'problem.binding-limit-reached.title': 'This identity has linked the maximum number of accounts',
  'problem.binding-limit-reached.detail':
    'You have linked as many accounts as allowed. Unlink an account you no longer use, then try again.',
  'problem.binding-not-active.title': 'The binding is no longer active',
  'problem.binding-not-active.detail':
    'This link is no longer in force: it has been suspended, revoked or has ended, so this action is not possible. Your account page shows its status and the reason.',
  'problem.renewal-not-due.title': 'The attestation cannot be renewed yet',
  'problem.renewal-not-due.detail':
    'This attestation is still valid and cannot be renewed yet. Renewal becomes possible shortly before it expires.',
  'problem.revocation-final.title': 'A revocation is final',
  'problem.revocation-final.detail':
    'A revoked record cannot be reinstated. If the decision was wrong, a new link has to be made after review.',
  'problem.identity-link-blocked.title': 'This identity may not link accounts',
  'problem.identity-link-blocked.detail':
    'A regulator has blocked this identity from linking accounts. Contact the regulator to learn the reason and how the block can be lifted.',
  'problem.authentication-required.title': 'Sign in first',
  'problem.authentication-required.detail':
    'You are not signed in, or your session has ended. Sign in and try again.',
  'problem.enrollment-session.title': 'This session may only register a passkey',
  'problem.enrollment-session.detail':
    'Your identity is confirmed, but first register a passkey. After that, everything else becomes available.',
  'problem.forbidden.title': 'You may not do this',
  'problem.forbidden.detail':
    'Your account does not have the right to do this. If you believe it should, ask the person who manages access.',
  'problem.origin-mismatch.title': 'The request came from another origin',
  'problem.origin-mismatch.detail':
    "For your safety, requests sent from other websites are refused. Open the service's own page and try again.",
  'problem.not-found.title': 'Not found',
  'problem.not-found.detail':
    'What you asked for does not exist or has been removed. Check the address or reload the page.',
  'problem.method-not-allowed.title': 'Method not allowed',
  'problem.method-not-allowed.detail':
    'This action is not possible at this address. Reload the page and try again.',
  'problem.rate-limited.title': 'Too many requests',
  'problem.rate-limited.detail': 'Too many requests were sent in a short time. Wait a moment and try again.',
  'problem.invalid-api-key.title': 'The API key is missing, unknown or revoked',
  'problem.invalid-api-key.detail':
    'The request has no valid API key. Check the key issued to your organisation, or ask the regulator for a new one.',
  'problem.invalid-operator-token.title': 'The operator token is missing or wrong',
  'problem.invalid-operator-token.detail':
    'This operator request has no valid operator token. Send the token whose SHA-256 is set as OPERATOR_TOKEN_SHA256, as "Authorization: Bearer <token>".',
  'problem.insufficient-scope.title': 'The API key lacks the scope this route needs',
  'problem.insufficient-scope.detail':
    'This API key does not permit this request. Ask the regulator for a key with the permission it needs.',
  'problem.invalid-webhook-url.title': 'The webhook URL is not acceptable',
  'problem.invalid-webhook-url.detail':
    'The notification address is not acceptable: it must be a public HTTPS address, without a password or a fragment. Correct it and try again.',
  'problem.database-unavailable.title': 'The database is unavailable',
  'problem.database-unavailable.detail':
    'The service cannot reach its database right now. Nothing was changed; try again in a few minutes.',
  'problem.storage-full.title': 'The service cannot store anything: its disk is full',
  'problem.storage-full.detail':
    'The service cannot save anything right now. Nothing was changed; try again later.',
  'problem.storage-read-only.title': 'The service cannot store anything: its storage is read-only',
  'problem.storage-read-only.detail':
    'The service cannot save anything right now because of a fault in its storage. Nothing was changed; try again later.',
  'problem.internal-error.title': 'Internal error',
  'problem.internal-error.detail':
    'Something went wrong on the service side. Nothing was changed; try again later, and if it keeps happening, contact support.',
} as const;
