// The one description of every table. Columns use portable types only (text, integer),
// so the same migrations run on SQLite, PostgreSQL and D1: times are ISO-8601 UTC text,
// booleans are 0/1 integers, binary values are base64url text.
import type { Insertable, Selectable, Updateable } from 'kysely';

export interface IdentitiesTable {
  id: string;
  country: string;
  /** HMAC-SHA256 of country + national ID under the lookup key: equality search without plaintext. */
  national_id_hash: string;
  /** AES-GCM ciphertext of the national ID, for regulator display only. */
  national_id_ciphertext: string;
  /** AES-GCM ciphertext of {givenName, familyName, birthDate}. */
  personal_data_ciphertext: string;
  level: string;
  source: string;
  /** Opaque WebAuthn user handle (base64url of 32 random bytes); never the national ID. */
  webauthn_user_id: string;
  roles: string;
  verified_at: string;
  /** Set when a regulator revoked the identity: no new links until lifted. */
  link_blocked_at: string | null;
  link_blocked_reason: string | null;
  created_at: string;
}

export interface PasskeysTable {
  id: string;
  identity_id: string;
  public_key: string;
  counter: number;
  transports: string;
  device_type: string;
  backed_up: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the session token; the token itself lives only in the cookie. */
  id: string;
  identity_id: string;
  kind: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  identity_verified_at: string | null;
  passkey_verified_at: string | null;
}

export interface ChallengesTable {
  /** SHA-256 of the challenge value. */
  id: string;
  purpose: string;
  /** SHA-256 of what the challenge is bound to (session or pre-auth flow cookie). */
  binding: string;
  /** Purpose-specific data, AES-GCM encrypted when it holds secrets (PKCE verifier, nonce). */
  payload: string;
  expires_at: string;
  created_at: string;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface WalletChallengesTable {
  id: string;
  challenge_hash: string;
  session_binding: string;
  identity_id: string;
  account: string;
  message: string;
  issued_at: string;
  expires_at: string;
}

export interface BindingsTable {
  id: string;
  identity_id: string;
  account: string;
  chain_id: string;
  /** eip191 | erc1271 | erc6492 | onchain */
  method: string;
  /** active | suspended | revoked */
  status: string;
  created_at: string;
  status_changed_at: string;
  /** The reason code of the present state while suspended or revoked (`holder_request` for an unlink). */
  revocation_reason: string | null;
}

export interface ConflictReportsTable {
  id: string;
  account: string;
  existing_binding_id: string;
  claimant_identity_id: string;
  method: string;
  /** open | resolved | dismissed */
  status: string;
  created_at: string;
  resolved_at: string | null;
  resolution: string | null;
}

export interface StatusListsTable {
  id: string;
  bits: number;
  size: number;
  next_index: number;
  version: number;
  published_version: number;
  published_token: string | null;
  published_at: string | null;
  changed_at: string;
  created_at: string;
}

export interface AttestationsTable {
  /** The JWT's jti. */
  id: string;
  binding_id: string;
  kid: string;
  status_list_id: string;
  status_list_index: number;
  /** valid | invalid | suspended */
  status: string;
  issued_at: string;
  expires_at: string;
  jwt: string;
  /** JSON of the signed EAS-shaped EIP-712 attestation. */
  eip712: string;
}

export interface ApiClientsTable {
  id: string;
  name: string;
  license_no: string;
  key_prefix: string;
  key_hash: string;
  /** Space-separated scopes. */
  scopes: string;
  rate_per_second: number;
  burst: number;
  /** active | revoked */
  status: string;
  created_at: string;
  revoked_at: string | null;
}

export interface QueryLogTable {
  id: string;
  client_id: string;
  kind: string;
  account: string;
  result: string;
  at: string;
}

export interface ExchangeInterestTable {
  account: string;
  client_id: string;
  looked_up_at: string;
}

export interface ReadinessProbeTable {
  id: string;
  padding: string;
}

export interface WebhooksTable {
  id: string;
  client_id: string;
  url: string;
  description: string;
  secret_ciphertext: string;
  /** active | deleted */
  status: string;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_type: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  created_at: string;
  delivered_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface ChainPublicationsTable {
  id: string;
  /** CAIP-2 */
  chain_id: string;
  binding_id: string;
  event: string;
  /** pending | published | failed */
  status: string;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  created_at: string;
  published_at: string | null;
  last_error: string | null;
}

export interface ChainAttestationsTable {
  attestation_id: string;
  chain_id: string;
  /** EAS attestation UID */
  uid: string;
  tx_hash: string | null;
  /** active | suspended | revoked: as last written on the chain */
  status: string;
  published_at: string;
  updated_at: string;
}

export interface AuditCheckpointsTable {
  tree_size: number;
  root_hash: string;
  issued_at: string;
  token: string;
}

/** An eGov Mobile signing through SIGEX (migration 0010). */
export interface EgovSigningsTable {
  id: string;
  /** SHA-256 of the flow cookie. */
  binding: string;
  /** pending | signed | completed | failed */
  status: string;
  /** send-data | await-signature */
  step: string;
  sealed_flow: string;
  sealed_signature: string | null;
  /** JSON {type, detail, reason?} */
  failure: string | null;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

/** The development IdP's codes and access tokens, by the SHA-256 of the value. */
export interface DevIdpGrantsTable {
  value_hash: string;
  kind: 'code' | 'access_token';
  sealed_grant: string;
  expires_at: string;
}

/** A regulator case whose lookups are withheld from the people they concern until `disclose_at`. */
export interface ConfidentialCasesTable {
  case_reference: string;
  disclose_at: string;
  /** JSON array of the legal references it was set and extended on, oldest first. */
  legal_references: string;
  updated_at: string;
}

/** A regulator action awaiting a second officer's approval. */
export interface PendingActionsTable {
  id: string;
  kind: string;
  payload: string;
  requested_by: string;
  requested_via: string;
  purpose: string;
  case_reference: string;
  requested_at: string;
  expires_at: string;
  status: 'pending' | 'approved';
  approved_by: string | null;
  approved_at: string | null;
}

/** Which instance runs a background job, until when. */
export interface JobLeasesTable {
  job: string;
  holder: string;
  until: string;
}

/** Per-day counts of the audited events the dashboard charts (migration 0012). */
export interface DailyActivityTable {
  /** YYYY-MM-DD, UTC */
  day: string;
  action: string;
  count: number;
}

/** How far the tiles cover the audit log (one row, id 1; migration 0013). */
export interface AuditTreeTable {
  id: number;
  size: number;
  root_hash: string;
  integrated_at: string;
}

/** A C2SP tlog-tiles hash tile: `width` hashes of 32 bytes. */
export interface AuditTilesTable {
  level: number;
  tile_index: number;
  width: number;
  hashes: Uint8Array;
}

/** An entry about an identity, by the keyed hash of the identity's ID. */
export interface AuditSubjectsTable {
  subject_hash: string;
  seq: number;
}

/** A witness's cosignature/v1 line on the checkpoint of `tree_size`. */
export interface AuditCosignaturesTable {
  tree_size: number;
  witness: string;
  root_hash: string;
  /** POSIX seconds the witness signed at (bigint: pg may return it as a string). */
  signed_at: number | string;
  line: string;
  received_at: string;
}

export interface Database {
  identities: IdentitiesTable;
  passkeys: PasskeysTable;
  sessions: SessionsTable;
  challenges: ChallengesTable;
  audit_log: AuditLogTable;
  daily_activity: DailyActivityTable;
  wallet_challenges: WalletChallengesTable;
  bindings: BindingsTable;
  conflict_reports: ConflictReportsTable;
  status_lists: StatusListsTable;
  attestations: AttestationsTable;
  api_clients: ApiClientsTable;
  query_log: QueryLogTable;
  exchange_interest: ExchangeInterestTable;
  readiness_probe: ReadinessProbeTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_tree: AuditTreeTable;
  audit_tiles: AuditTilesTable;
  audit_subjects: AuditSubjectsTable;
  audit_cosignatures: AuditCosignaturesTable;
  chain_publications: ChainPublicationsTable;
  chain_attestations: ChainAttestationsTable;
  egov_signings: EgovSigningsTable;
  dev_idp_grants: DevIdpGrantsTable;
  job_leases: JobLeasesTable;
  confidential_cases: ConfidentialCasesTable;
  pending_actions: PendingActionsTable;
}

export type IdentityRow = Selectable<IdentitiesTable>;
export type NewIdentityRow = Insertable<IdentitiesTable>;
export type IdentityUpdate = Updateable<IdentitiesTable>;
export type PasskeyRow = Selectable<PasskeysTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ChallengeRow = Selectable<ChallengesTable>;
export type EgovSigningRow = Selectable<EgovSigningsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type WalletChallengeRow = Selectable<WalletChallengesTable>;
export type BindingRow = Selectable<BindingsTable>;
export type ConflictReportRow = Selectable<ConflictReportsTable>;
export type StatusListRow = Selectable<StatusListsTable>;
export type AttestationRow = Selectable<AttestationsTable>;
export type ApiClientRow = Selectable<ApiClientsTable>;
export type QueryLogRow = Selectable<QueryLogTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;
export type AuditCheckpointRow = Selectable<AuditCheckpointsTable>;
export type ChainPublicationRow = Selectable<ChainPublicationsTable>;
export type ChainAttestationRow = Selectable<ChainAttestationsTable>;
