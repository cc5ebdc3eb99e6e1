// The HTTP contract in one table: every API route, who may call it, and the schema (in
// schemas/) of its request body and of each response. /openapi.json is generated from it,
// and in the test suites every response is checked against it, so the documents, the
// validation and the behaviour cannot drift apart. HTML pages and the dev IdP are not API.
import type { SchemaName } from './schemas.js';

export type Access =
  | 'public'
  | 'session'
  | 'enrollment-or-session'
  | 'flow'
  | 'api-key'
  | 'regulator'
  /** Regulators for everything, a citizen's session for what concerns that citizen. */
  | 'regulator-or-subject'
  /** The operator's bearer token (OPERATOR_TOKEN_SHA256); off, and 404, without one. */
  | 'operator';

/** The headers that carry a regulator access's purpose and case (RouteContract.purposeBound). */
export const ACCESS_PURPOSE_HEADER = 'Access-Purpose';
export const CASE_REFERENCE_HEADER = 'Case-Reference';

/** A non-JSON body, by media type. */
export interface MediaBody {
  mediaType: string;
}

/** A response: a schema for JSON bodies, several when the variant depends on the request, or a media type. */
export type ResponseSpec = SchemaName | MediaBody | (SchemaName | MediaBody)[] | 'empty' | 'redirect';

export interface RouteContract {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Hono syntax (`:param`); OpenAPI paths are derived from it. */
  path: string;
  summary: string;
  tag:
    | 'Public'
    | 'Identity'
    | 'Passkeys'
    | 'Citizen'
    | 'Wallets'
    | 'Exchange'
    | 'Webhooks'
    | 'Regulator'
    | 'Audit'
    | 'Operator';
  access: Access;
  scope?: string;
  /** A regulator lookup or action: it needs the Access-Purpose and Case-Reference headers. */
  purposeBound?: true;
  request?: SchemaName;
  responses: Record<number, ResponseSpec>;
}

export const ROUTES: RouteContract[] = [
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    summary: 'Attestation signing keys (current and still-needed retired ones)',
    tag: 'Public',
    access: 'public',
    responses: { 200: 'jwks' },
  },
  {
    method: 'GET',
    path: '/.well-known/wallet-attestation',
    summary: 'Issuer metadata',
    tag: 'Public',
    access: 'public',
    responses: { 200: 'wallet-attestation-metadata' },
  },
  {
    method: 'GET',
    path: '/v1/status-lists/:id',
    summary: 'A signed Token Status List',
    tag: 'Public',
    access: 'public',
    responses: { 200: { mediaType: 'application/statuslist+jwt' }, 304: 'empty' },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This document',
    tag: 'Public',
    access: 'public',
    responses: { 200: { mediaType: 'application/json' } },
  },
  {
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness',
    tag: 'Public',
    access: 'public',
    responses: { 200: 'health-response' },
  },
  {
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: database reachable, migrations current',
    tag: 'Public',
    access: 'public',
    responses: { 200: 'health-response', 503: 'health-response' },
  },
  {
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tag: 'Public',
    access: 'public',
    responses: { 200: { mediaType: 'text/plain' } },
  },

  {
    method: 'GET',
    path: '/v1/identity/oidc/start',
    summary: 'Start identity verification at the OpenID provider (302)',
    tag: 'Identity',
    access: 'public',
    responses: { 302: 'redirect' },
  },
  {
    method: 'GET',
    path: '/v1/identity/oidc/callback',
    summary: 'OpenID provider callback (303 to the next page)',
    tag: 'Identity',
    access: 'flow',
    responses: { 303: 'redirect' },
  },
  {
    method: 'POST',
    path: '/v1/identity/x509/challenge',
    summary: 'A challenge for the national eID certificate to sign',
    tag: 'Identity',
    access: 'public',
    responses: { 200: 'x509-challenge-response' },
  },
  {
    method: 'POST',
    path: '/v1/identity/x509/verify',
    summary: 'Verify the eID signature (CMS) over the challenge',
    tag: 'Identity',
    access: 'flow',
    request: 'x509-verify-request',
    responses: { 200: 'identity-verified-response' },
  },
  {
    method: 'POST',
    path: '/v1/identity/egov-mobile',
    summary: 'Sign the x509 challenge in eGov Mobile: a QR signing registered with SIGEX',
    tag: 'Identity',
    access: 'public',
    responses: { 201: 'egov-mobile-signing-response' },
  },
  {
    method: 'GET',
    path: '/v1/identity/egov-mobile/:id',
    summary: 'Where the eGov Mobile signing stands (poll it)',
    tag: 'Identity',
    access: 'flow',
    responses: { 200: 'egov-mobile-status-response' },
  },
  {
    method: 'POST',
    path: '/v1/identity/egov-mobile/:id/verify',
    summary: 'Verify the signature eGov Mobile made, as /v1/identity/x509/verify does',
    tag: 'Identity',
    access: 'flow',
    responses: { 200: 'identity-verified-response' },
  },

  {
    method: 'POST',
    path: '/v1/webauthn/registration/options',
    summary: 'Options to register a passkey',
    tag: 'Passkeys',
    access: 'enrollment-or-session',
    responses: { 200: 'webauthn-creation-options' },
  },
  {
    method: 'POST',
    path: '/v1/webauthn/registration/verify',
    summary: 'Register the passkey',
    tag: 'Passkeys',
    access: 'enrollment-or-session',
    request: 'webauthn-registration-response',
    responses: { 200: 'webauthn-verified-response' },
  },
  {
    method: 'POST',
    path: '/v1/webauthn/authentication/options',
    summary: 'Options to sign in with a passkey',
    tag: 'Passkeys',
    access: 'public',
    responses: { 200: 'webauthn-request-options' },
  },
  {
    method: 'POST',
    path: '/v1/webauthn/authentication/verify',
    summary: 'Sign in with the passkey',
    tag: 'Passkeys',
    access: 'flow',
    request: 'webauthn-authentication-response',
    responses: { 200: 'webauthn-verified-response' },
  },

  {
    method: 'POST',
    path: '/v1/session/logout',
    summary: 'Sign out',
    tag: 'Citizen',
    access: 'enrollment-or-session',
    responses: { 204: 'empty' },
  },
  {
    method: 'GET',
    path: '/v1/me',
    summary: 'The signed-in citizen: identity summary, passkeys, bindings',
    tag: 'Citizen',
    access: 'session',
    responses: { 200: 'me-response' },
  },
  {
    method: 'PATCH',
    path: '/v1/passkeys/:id',
    summary: 'Rename a passkey',
    tag: 'Citizen',
    access: 'session',
    request: 'passkey-rename-request',
    responses: { 204: 'empty' },
  },
  {
    method: 'DELETE',
    path: '/v1/passkeys/:id',
    summary: 'Remove a passkey',
    tag: 'Citizen',
    access: 'session',
    responses: { 204: 'empty' },
  },

  {
    method: 'POST',
    path: '/v1/wallets/challenge',
    summary:
      'A challenge for an account: EIP-4361 for eip155, CAIP-122 for the other namespaces (needs a recent passkey assertion)',
    tag: 'Wallets',
    access: 'session',
    request: 'wallet-challenge-request',
    responses: { 201: 'wallet-challenge-response' },
  },
  {
    method: 'POST',
    path: '/v1/wallets/verify',
    summary: 'Link the account with the signed challenge',
    tag: 'Wallets',
    access: 'session',
    request: 'wallet-verify-request',
    responses: { 200: 'wallet-link-response', 201: 'wallet-link-response' },
  },
  {
    method: 'POST',
    path: '/v1/wallets/onchain-proof',
    summary: 'Link the account with a proveControl transaction',
    tag: 'Wallets',
    access: 'session',
    request: 'wallet-onchain-proof-request',
    responses: { 200: 'wallet-link-response', 201: 'wallet-link-response' },
  },
  {
    method: 'POST',
    path: '/v1/wallets/:bindingId/renew',
    summary: 'Renew the attestation of a binding',
    tag: 'Wallets',
    access: 'session',
    responses: { 201: 'attestation-response' },
  },
  {
    method: 'GET',
    path: '/v1/wallets/:bindingId/attestation',
    summary: 'Download the newest attestation (?format=json|jwt|eip712)',
    tag: 'Wallets',
    access: 'session',
    responses: {
      200: ['attestation-response', 'eas-attestation', { mediaType: 'application/wallet-attestation+jwt' }],
    },
  },
  {
    method: 'DELETE',
    path: '/v1/wallets/:bindingId',
    summary: 'Unlink (self-revocation, reason holder_request)',
    tag: 'Wallets',
    access: 'session',
    responses: { 200: 'binding-response' },
  },

  {
    method: 'GET',
    path: '/v1/attestations/:account',
    summary: 'Look up one account',
    tag: 'Exchange',
    access: 'api-key',
    scope: 'attestations:read',
    responses: { 200: 'account-lookup' },
  },
  {
    method: 'POST',
    path: '/v1/attestations/query',
    summary: 'Look up to 1000 accounts',
    tag: 'Exchange',
    access: 'api-key',
    scope: 'attestations:read',
    request: 'attestation-query-request',
    responses: { 200: 'attestation-query-response' },
  },
  {
    method: 'POST',
    path: '/v1/attestations/match',
    summary: 'Does the account belong to this national ID?',
    tag: 'Exchange',
    access: 'api-key',
    scope: 'identity:match',
    request: 'attestation-match-request',
    responses: { 200: 'attestation-match-response' },
  },
  {
    method: 'POST',
    path: '/v1/webhooks',
    summary: 'Register a webhook (the secret is shown once)',
    tag: 'Webhooks',
    access: 'api-key',
    scope: 'webhooks:manage',
    request: 'webhook-create-request',
    responses: { 201: 'webhook-created-response' },
  },
  {
    method: 'GET',
    path: '/v1/webhooks',
    summary: 'List webhooks',
    tag: 'Webhooks',
    access: 'api-key',
    scope: 'webhooks:manage',
    responses: { 200: 'webhook-list-response' },
  },
  {
    method: 'GET',
    path: '/v1/webhooks/:id',
    summary: 'One webhook',
    tag: 'Webhooks',
    access: 'api-key',
    scope: 'webhooks:manage',
    responses: { 200: 'webhook-response' },
  },
  {
    method: 'GET',
    path: '/v1/webhooks/:id/deliveries',
    summary: 'Recent deliveries and their attempts',
    tag: 'Webhooks',
    access: 'api-key',
    scope: 'webhooks:manage',
    responses: { 200: 'webhook-delivery-list-response' },
  },
  {
    method: 'DELETE',
    path: '/v1/webhooks/:id',
    summary: 'Delete a webhook',
    tag: 'Webhooks',
    access: 'api-key',
    scope: 'webhooks:manage',
    responses: { 204: 'empty' },
  },
  {
    method: 'POST',
    path: '/v1/regulator/lookups',
    summary: 'Find an identity and its bindings by national ID (audited)',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:read',
    purposeBound: true,
    request: 'regulator-national-id-lookup-request',
    responses: { 200: 'regulator-identity-lookup-response' },
  },
  {
    method: 'GET',
    path: '/v1/regulator/accounts/:account',
    summary: 'Every binding of an account and who is behind it (audited)',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:read',
    purposeBound: true,
    responses: { 200: 'regulator-account-lookup-response' },
  },
  {
    method: 'GET',
    path: '/v1/regulator/bindings/:id',
    summary: 'One binding and its identity (audited)',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:read',
    purposeBound: true,
    responses: { 200: 'regulator-binding-lookup-response' },
  },
  {
    method: 'POST',
    path: '/v1/regulator/revocations',
    summary: "Revoke (final): an attestation, an account's, or an identity's (and block new links)",
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:act',
    purposeBound: true,
    request: 'regulator-action-request',
    responses: { 200: 'regulator-action-response', 202: 'pending-action-response' },
  },
  {
    method: 'POST',
    path: '/v1/regulator/suspensions',
    summary: 'Suspend (reversible)',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:act',
    purposeBound: true,
    request: 'regulator-action-request',
    responses: { 200: 'regulator-action-response' },
  },
  {
    method: 'POST',
    path: '/v1/regulator/reinstatements',
    summary: 'Reinstate what was suspended',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:act',
    purposeBound: true,
    request: 'regulator-action-request',
    responses: { 200: 'regulator-action-response' },
  },
  {
    method: 'POST',
    path: '/v1/regulator/link-block-lifts',
    summary: 'Let a revoked identity link accounts again',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:act',
    purposeBound: true,
    request: 'regulator-link-block-lift-request',
    responses: { 200: 'regulator-link-block-lift-response', 202: 'pending-action-response' },
  },
  {
    method: 'POST',
    path: '/v1/regulator/role-grants',
    summary:
      'Give the regulator role to a verified person (a second officer approves it where four eyes are on: 202)',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:act',
    purposeBound: true,
    request: 'regulator-role-grant-request',
    responses: { 200: 'regulator-role-grant-response', 202: 'pending-action-response' },
  },
  {
    method: 'GET',
    path: '/v1/regulator/pending-actions',
    summary: 'Actions awaiting a second officer’s approval',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:read',
    responses: { 200: 'pending-action-list-response' },
  },
  {
    method: 'GET',
    path: '/v1/regulator/pending-actions/:id',
    summary: 'One pending action (pending, approved or expired)',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:read',
    responses: { 200: 'pending-action-response' },
  },
  {
    method: 'POST',
    path: '/v1/regulator/pending-actions/:id/approval',
    summary: 'A second officer approves a pending action with their own passkey; it is carried out at once',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:act',
    purposeBound: true,
    responses: { 200: 'pending-action-approval-response' },
  },
  {
    method: 'POST',
    path: '/v1/regulator/confidential-cases',
    summary:
      'Keep the stated case’s lookups from the people they concern until a date, or move that date later (new legal reference)',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:act',
    purposeBound: true,
    request: 'confidential-case-request',
    responses: { 200: 'confidential-case-response' },
  },
  {
    method: 'GET',
    path: '/v1/regulator/confidential-cases',
    summary: 'The confidentiality of a case (?reference=)',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:read',
    responses: { 200: 'confidential-case-response' },
  },
  {
    method: 'GET',
    path: '/v1/regulator/conflicts',
    summary: 'Conflict reports (?status=open|resolved|dismissed)',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:read',
    responses: { 200: 'conflict-list-response' },
  },
  {
    method: 'POST',
    path: '/v1/regulator/conflicts/:id/resolution',
    summary: 'Resolve a conflict: revoke the existing binding, or dismiss',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:act',
    purposeBound: true,
    request: 'conflict-resolution-request',
    responses: { 200: 'conflict-resolution-response' },
  },
  {
    method: 'GET',
    path: '/v1/regulator/query-log',
    summary: 'Exchange queries by account, client, time range (?format=csv)',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:read',
    responses: { 200: ['query-log-response', { mediaType: 'text/csv' }] },
  },
  {
    method: 'GET',
    path: '/v1/regulator/audit',
    summary: 'Audit entries (?afterSeq, ?limit)',
    tag: 'Regulator',
    access: 'regulator',
    scope: 'regulator:read',
    responses: { 200: 'audit-log-response' },
  },
  {
    method: 'GET',
    path: '/v1/audit/checkpoint',
    summary: 'The signed checkpoint of the audit log now',
    tag: 'Audit',
    access: 'public',
    responses: { 200: 'audit-checkpoint' },
  },
  {
    method: 'GET',
    path: '/v1/audit/consistency',
    summary: 'Consistency proof between tree sizes (?first, ?second)',
    tag: 'Audit',
    access: 'public',
    responses: { 200: 'audit-consistency-proof' },
  },
  {
    method: 'GET',
    path: '/v1/audit/entries/:seq/proof',
    summary: 'Inclusion proof of an entry (?treeSize): regulators any, citizens their own',
    tag: 'Audit',
    access: 'regulator-or-subject',
    scope: 'regulator:read',
    responses: { 200: 'audit-inclusion-proof' },
  },
  {
    method: 'GET',
    path: '/log/checkpoint',
    summary: 'The audit log as c2sp.org/tlog-tiles: its checkpoint, a signed note with witness cosignatures',
    tag: 'Audit',
    access: 'public',
    responses: { 200: { mediaType: 'text/plain' } },
  },
  {
    method: 'GET',
    path: '/log/tile/*',
    summary: 'A hash tile <L>/<N>[.p/<W>] or an entry bundle entries/<N>[.p/<W>] (c2sp.org/tlog-tiles)',
    tag: 'Audit',
    access: 'public',
    responses: { 200: { mediaType: 'application/octet-stream' } },
  },
  {
    method: 'POST',
    path: '/log/cosignature',
    summary: "A configured witness's cosigned checkpoint (text/plain signed note, cosignature/v1)",
    tag: 'Audit',
    access: 'public',
    responses: { 200: 'audit-cosignature-response' },
  },
  {
    method: 'GET',
    path: '/v1/me/audit',
    summary: 'Audit entries about the signed-in citizen',
    tag: 'Citizen',
    access: 'session',
    responses: { 200: 'audit-log-response' },
  },
  {
    method: 'GET',
    path: '/v1/me/activity',
    summary: 'Who looked at the signed-in citizen: regulators (by authority and purpose) and exchanges',
    tag: 'Citizen',
    access: 'session',
    responses: { 200: 'citizen-activity-response' },
  },
  {
    method: 'POST',
    path: '/v1/operator/api-clients',
    summary: 'Create an API client for a licensed exchange or a regulator system; its key is shown once',
    tag: 'Operator',
    access: 'operator',
    request: 'operator-api-client-create-request',
    responses: { 201: 'operator-api-client-created-response' },
  },
  {
    method: 'GET',
    path: '/v1/operator/api-clients',
    summary: 'Every API client, revoked ones included',
    tag: 'Operator',
    access: 'operator',
    responses: { 200: 'operator-api-client-list-response' },
  },
  {
    method: 'POST',
    path: '/v1/operator/api-clients/:id/revocation',
    summary: "Revoke a client's key: refused by every instance within a second",
    tag: 'Operator',
    access: 'operator',
    responses: { 200: 'operator-api-client-response' },
  },
  {
    method: 'POST',
    path: '/v1/operator/regulator-roles',
    summary:
      'Give the regulator role to a verified person, or take it away (the bootstrap of the first officers)',
    tag: 'Operator',
    access: 'operator',
    request: 'operator-regulator-role-request',
    responses: { 200: 'regulator-role-grant-response' },
  },
  {
    method: 'GET',
    path: '/v1/operator/regulators',
    summary: 'The identities that hold the regulator role',
    tag: 'Operator',
    access: 'operator',
    responses: { 200: 'operator-officer-list-response' },
  },
];

export function findRoute(method: string, path: string): RouteContract | undefined {
  return ROUTES.find((route) => route.method === method && route.path === path);
}
