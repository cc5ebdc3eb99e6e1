// Runtime validation with exactly the published JSON Schemas in schemas/. The validator
// interprets schemas (no code generation, no eval), so it runs on Workers as well.
import { type Schema, Validator } from '@cfworker/json-schema';
import accountLookup from '../../schemas/account-lookup.json' with { type: 'json' };
import accountLookupError from '../../schemas/account-lookup-error.json' with { type: 'json' };
import apiClient from '../../schemas/api-client.json' with { type: 'json' };
import attestation from '../../schemas/attestation.json' with { type: 'json' };
import attestationMatchRequest from '../../schemas/attestation-match-request.json' with { type: 'json' };
import attestationMatchResponse from '../../schemas/attestation-match-response.json' with { type: 'json' };
import attestationQueryRequest from '../../schemas/attestation-query-request.json' with { type: 'json' };
import attestationQueryResponse from '../../schemas/attestation-query-response.json' with { type: 'json' };
import attestationResponse from '../../schemas/attestation-response.json' with { type: 'json' };
import auditCheckpoint from '../../schemas/audit-checkpoint.json' with { type: 'json' };
import auditConsistencyProof from '../../schemas/audit-consistency-proof.json' with { type: 'json' };
import auditCosignatureResponse from '../../schemas/audit-cosignature-response.json' with { type: 'json' };
import auditEntry from '../../schemas/audit-entry.json' with { type: 'json' };
import auditInclusionProof from '../../schemas/audit-inclusion-proof.json' with { type: 'json' };
import auditLogResponse from '../../schemas/audit-log-response.json' with { type: 'json' };
import binding from '../../schemas/binding.json' with { type: 'json' };
import bindingResponse from '../../schemas/binding-response.json' with { type: 'json' };
import citizenActivityResponse from '../../schemas/citizen-activity-response.json' with { type: 'json' };
import confidentialCaseRequest from '../../schemas/confidential-case-request.json' with { type: 'json' };
import confidentialCaseResponse from '../../schemas/confidential-case-response.json' with { type: 'json' };
import conflictListResponse from '../../schemas/conflict-list-response.json' with { type: 'json' };
import conflictReport from '../../schemas/conflict-report.json' with { type: 'json' };
import conflictResolutionRequest from '../../schemas/conflict-resolution-request.json' with { type: 'json' };
import conflictResolutionResponse from '../../schemas/conflict-resolution-response.json' with {
  type: 'json',
};
import easAttestation from '../../schemas/eas-attestation.json' with { type: 'json' };
import egovMobileSigningResponse from '../../schemas/egov-mobile-signing-response.json' with { type: 'json' };
import egovMobileStatusResponse from '../../schemas/egov-mobile-status-response.json' with { type: 'json' };
import healthResponse from '../../schemas/health-response.json' with { type: 'json' };
import identityVerifiedResponse from '../../schemas/identity-verified-response.json' with { type: 'json' };
import jwks from '../../schemas/jwks.json' with { type: 'json' };
import meResponse from '../../schemas/me-response.json' with { type: 'json' };
import operatorApiClientCreateRequest from '../../schemas/operator-api-client-create-request.json' with {
  type: 'json',
};
import operatorApiClientCreatedResponse from '../../schemas/operator-api-client-created-response.json' with {
  type: 'json',
};
import operatorApiClientListResponse from '../../schemas/operator-api-client-list-response.json' with {
  type: 'json',
};
import operatorApiClientResponse from '../../schemas/operator-api-client-response.json' with { type: 'json' };
import operatorOfficerListResponse from '../../schemas/operator-officer-list-response.json' with {
  type: 'json',
};
import operatorRegulatorRoleRequest from '../../schemas/operator-regulator-role-request.json' with {
  type: 'json',
};
import passkey from '../../schemas/passkey.json' with { type: 'json' };
import passkeyRenameRequest from '../../schemas/passkey-rename-request.json' with { type: 'json' };
import pendingAction from '../../schemas/pending-action.json' with { type: 'json' };
import pendingActionApprovalResponse from '../../schemas/pending-action-approval-response.json' with {
  type: 'json',
};
import pendingActionListResponse from '../../schemas/pending-action-list-response.json' with { type: 'json' };
import pendingActionResponse from '../../schemas/pending-action-response.json' with { type: 'json' };
import problem from '../../schemas/problem.json' with { type: 'json' };
import queryLogResponse from '../../schemas/query-log-response.json' with { type: 'json' };
import regulatorAccountLookupResponse from '../../schemas/regulator-account-lookup-response.json' with {
  type: 'json',
};
import regulatorActionRequest from '../../schemas/regulator-action-request.json' with { type: 'json' };
import regulatorActionResponse from '../../schemas/regulator-action-response.json' with { type: 'json' };
import regulatorBinding from '../../schemas/regulator-binding.json' with { type: 'json' };
import regulatorBindingLookupResponse from '../../schemas/regulator-binding-lookup-response.json' with {
  type: 'json',
};
import regulatorIdentity from '../../schemas/regulator-identity.json' with { type: 'json' };
import regulatorIdentityLookupResponse from '../../schemas/regulator-identity-lookup-response.json' with {
  type: 'json',
};
import regulatorLinkBlockLiftRequest from '../../schemas/regulator-link-block-lift-request.json' with {
  type: 'json',
};
import regulatorLinkBlockLiftResponse from '../../schemas/regulator-link-block-lift-response.json' with {
  type: 'json',
};
import regulatorNationalIdLookupRequest from '../../schemas/regulator-national-id-lookup-request.json' with {
  type: 'json',
};
import regulatorRoleGrantRequest from '../../schemas/regulator-role-grant-request.json' with { type: 'json' };
import regulatorRoleGrantResponse from '../../schemas/regulator-role-grant-response.json' with {
  type: 'json',
};
import session from '../../schemas/session.json' with { type: 'json' };
import walletAttestationMetadata from '../../schemas/wallet-attestation-metadata.json' with { type: 'json' };
import walletChallengeRequest from '../../schemas/wallet-challenge-request.json' with { type: 'json' };
import walletChallengeResponse from '../../schemas/wallet-challenge-response.json' with { type: 'json' };
import walletLinkResponse from '../../schemas/wallet-link-response.json' with { type: 'json' };
import walletOnchainProofRequest from '../../schemas/wallet-onchain-proof-request.json' with { type: 'json' };
import walletVerifyRequest from '../../schemas/wallet-verify-request.json' with { type: 'json' };
import webauthnAuthenticationResponse from '../../schemas/webauthn-authentication-response.json' with {
  type: 'json',
};
import webauthnCreationOptions from '../../schemas/webauthn-creation-options.json' with { type: 'json' };
import webauthnRegistrationResponse from '../../schemas/webauthn-registration-response.json' with {
  type: 'json',
};
import webauthnRequestOptions from '../../schemas/webauthn-request-options.json' with { type: 'json' };
import webauthnVerifiedResponse from '../../schemas/webauthn-verified-response.json' with { type: 'json' };
import webhook from '../../schemas/webhook.json' with { type: 'json' };
import webhookCreateRequest from '../../schemas/webhook-create-request.json' with { type: 'json' };
import webhookCreatedResponse from '../../schemas/webhook-created-response.json' with { type: 'json' };
import webhookDeliveryListResponse from '../../schemas/webhook-delivery-list-response.json' with {
  type: 'json',
};
import webhookEvent from '../../schemas/webhook-event.json' with { type: 'json' };
import webhookListResponse from '../../schemas/webhook-list-response.json' with { type: 'json' };
import webhookResponse from '../../schemas/webhook-response.json' with { type: 'json' };
import x509ChallengeResponse from '../../schemas/x509-challenge-response.json' with { type: 'json' };
import x509VerifyRequest from '../../schemas/x509-verify-request.json' with { type: 'json' };
import { ValidationError } from '../domain/errors.js';

export const SCHEMAS = {
  'health-response': healthResponse,
  'identity-verified-response': identityVerifiedResponse,
  jwks,
  'me-response': meResponse,
  passkey,
  'passkey-rename-request': passkeyRenameRequest,
  problem,
  session,
  'webauthn-authentication-response': webauthnAuthenticationResponse,
  'webauthn-registration-response': webauthnRegistrationResponse,
  'webauthn-verified-response': webauthnVerifiedResponse,
  'x509-challenge-response': x509ChallengeResponse,
  'x509-verify-request': x509VerifyRequest,
  'egov-mobile-signing-response': egovMobileSigningResponse,
  'egov-mobile-status-response': egovMobileStatusResponse,
  'wallet-challenge-request': walletChallengeRequest,
  'wallet-challenge-response': walletChallengeResponse,
  'wallet-verify-request': walletVerifyRequest,
  'wallet-onchain-proof-request': walletOnchainProofRequest,
  binding,
  'wallet-link-response': walletLinkResponse,
  'eas-attestation': easAttestation,
  attestation,
  'attestation-response': attestationResponse,
  'wallet-attestation-metadata': walletAttestationMetadata,
  'account-lookup': accountLookup,
  'account-lookup-error': accountLookupError,
  'attestation-query-request': attestationQueryRequest,
  'attestation-query-response': attestationQueryResponse,
  'attestation-match-request': attestationMatchRequest,
  'attestation-match-response': attestationMatchResponse,
  webhook,
  'webhook-create-request': webhookCreateRequest,
  'api-client': apiClient,
  'operator-api-client-create-request': operatorApiClientCreateRequest,
  'operator-api-client-created-response': operatorApiClientCreatedResponse,
  'operator-api-client-response': operatorApiClientResponse,
  'operator-api-client-list-response': operatorApiClientListResponse,
  'operator-regulator-role-request': operatorRegulatorRoleRequest,
  'operator-officer-list-response': operatorOfficerListResponse,
  'webhook-created-response': webhookCreatedResponse,
  'webhook-list-response': webhookListResponse,
  'webhook-response': webhookResponse,
  'webhook-delivery-list-response': webhookDeliveryListResponse,
  'webhook-event': webhookEvent,
  'webauthn-creation-options': webauthnCreationOptions,
  'webauthn-request-options': webauthnRequestOptions,
  'binding-response': bindingResponse,
  'regulator-national-id-lookup-request': regulatorNationalIdLookupRequest,
  'regulator-identity': regulatorIdentity,
  'regulator-binding': regulatorBinding,
  'regulator-identity-lookup-response': regulatorIdentityLookupResponse,
  'regulator-account-lookup-response': regulatorAccountLookupResponse,
  'regulator-binding-lookup-response': regulatorBindingLookupResponse,
  'regulator-action-request': regulatorActionRequest,
  'regulator-action-response': regulatorActionResponse,
  'regulator-link-block-lift-request': regulatorLinkBlockLiftRequest,
  'regulator-link-block-lift-response': regulatorLinkBlockLiftResponse,
  'conflict-report': conflictReport,
  'citizen-activity-response': citizenActivityResponse,
  'pending-action': pendingAction,
  'pending-action-response': pendingActionResponse,
  'pending-action-list-response': pendingActionListResponse,
  'pending-action-approval-response': pendingActionApprovalResponse,
  'regulator-role-grant-request': regulatorRoleGrantRequest,
  'regulator-role-grant-response': regulatorRoleGrantResponse,
  'confidential-case-request': confidentialCaseRequest,
  'confidential-case-response': confidentialCaseResponse,
  'conflict-list-response': conflictListResponse,
  'conflict-resolution-request': conflictResolutionRequest,
  'conflict-resolution-response': conflictResolutionResponse,
  'query-log-response': queryLogResponse,
  'audit-entry': auditEntry,
  'audit-log-response': auditLogResponse,
  'audit-checkpoint': auditCheckpoint,
  'audit-cosignature-response': auditCosignatureResponse,
  'audit-inclusion-proof': auditInclusionProof,
  'audit-consistency-proof': auditConsistencyProof,
} as const satisfies Record<string, object>;

export type SchemaName = keyof typeof SCHEMAS;

const validators = new Map<SchemaName, Validator>();

function validatorFor(name: SchemaName): Validator {
  let validator = validators.get(name);
  if (!validator) {
    validator = new Validator(SCHEMAS[name] as Schema, '2020-12', false);
    // Every schema is registered so relative $refs ("session.json") resolve.
    for (const other of Object.values(SCHEMAS)) validator.addSchema(other as Schema);
    validators.set(name, validator);
  }
  return validator;
}

export interface SchemaViolation {
  pointer: string;
  message: string;
}

export function schemaViolations(name: SchemaName, value: unknown): SchemaViolation[] {
  const result = validatorFor(name).validate(value);
  if (result.valid) return [];
  // The validator reports every failed keyword up the tree; the leaves are the useful ones.
  const leaves = result.errors.filter((e) => !/^(properties|items|allOf|anyOf|\$ref)$/.test(e.keyword));
  return (leaves.length ? leaves : result.errors).slice(0, 10).map((e) => ({
    pointer: e.instanceLocation.replace(/^#/, '') || '/',
    message: e.error,
  }));
}

/** Returns the value typed as T when it matches the schema; throws a 422 problem listing what is wrong. */
export function assertSchema<T>(name: SchemaName, value: unknown): T {
  const violations = schemaViolations(name, value);
  if (violations.length > 0) {
    const summary = violations.map((v) => `${v.pointer}: ${v.message}`).join('; ');
    throw new ValidationError(summary, { errors: violations });
  }
  return value as T;
}
