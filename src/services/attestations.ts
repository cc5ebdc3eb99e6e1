// Attestations of bindings: a JWT (JWS, `typ: wallet-attestation+jwt`) and an EAS-shaped
// EIP-712 attestation, issued together in the transaction that creates or renews the
// binding's proof, each with its own status-list entry. No personal data goes into either.

import type { Kysely } from 'kysely';
import { type Address, getAddress, type Hex, parseSignature } from 'viem';
import { newId } from '../crypto/tokens.js';
import { ACCOUNT_NAMESPACES, namespaceAdapter } from '../domain/accounts/index.js';
import {
  ATTESTATION_SCHEMA_UID,
  EAS_ATTEST_TYPES,
  EAS_OFFCHAIN_VERSION,
  easAttestMessage,
  easDomain,
  easOffchainUid,
  easTypedData,
  type SignedEasAttestation,
} from '../domain/attestations/easAttestation.js';
import { randomBytes, toHex } from '../domain/encoding.js';
import { BindingNotActiveError, NotFoundError, RenewalNotDueError } from '../domain/errors.js';
import type { AttestationRow, BindingRow, Database, IdentityRow } from '../store/database.js';
import { insertAttestation, listAttestationsOfBindings } from '../store/repositories/attestations.js';
import { appendAudit } from '../store/repositories/auditLog.js';
import { findBinding } from '../store/repositories/bindings.js';
import { findIdentityById } from '../store/repositories/identities.js';
import { enqueueChainPublication } from './chainPublisher.js';
import type { ServiceContext } from './context.js';
import type { Session } from './sessions.js';
import { allocateStatusListEntry, statusListUri } from './statusLists.js';

export const ATTESTATION_TYP = 'wallet-attestation+jwt';

/** What an attestation's status is, as holders and exchanges see it. */
export type AttestationState = 'active' | 'suspended' | 'revoked' | 'expired';

export interface AttestationSummary {
  id: string;
  bindingId: string;
  state: AttestationState;
  issuedAt: string;
  expiresAt: string;
  kid: string;
  statusList: { uri: string; idx: number };
  jwt: string;
  /** The EAS-shaped EIP-712 form, where the namespace has one (eip155). */
  eip712?: SignedEasAttestation;
}

export function attestationState(row: AttestationRow, now: Date): AttestationState {
  if (row.status === 'invalid') return 'revoked';
  if (row.expires_at <= now.toISOString()) return 'expired';
  return row.status === 'suspended' ? 'suspended' : 'active';
}

export function summariseAttestation(ctx: ServiceContext, row: AttestationRow): AttestationSummary {
  return {
    id: row.id,
    bindingId: row.binding_id,
    state: attestationState(row, ctx.clock.now()),
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    kid: row.kid,
    statusList: { uri: statusListUri(ctx, row.status_list_id), idx: Number(row.status_list_index) },
    jwt: row.jwt,
    ...(row.eip712 ? { eip712: JSON.parse(row.eip712) as SignedEasAttestation } : {}),
  };
}

/**
 * The EIP-712 domain for a chain. Where attestations are published, the verifying contract
 * is the chain's EAS contract, as for any EAS off-chain attestation; otherwise our
 * proof-of-control registry there, when one is configured.
 */
export function eip712DomainFor(ctx: ServiceContext, chainId: string) {
  const chain = ctx.chains.get(chainId);
  const verifyingContract = chain?.attestations?.eas ?? chain?.registry;
  return easDomain({
    version: ctx.config.attestations.eip712Version,
    chainId: chain?.chainId ?? Number(chainId.split(':')[1]),
    ...(verifyingContract ? { verifyingContract } : {}),
  });
}

/** The EAS schema UID of attestations for a chain: with our registry as resolver where published. */
export function attestationSchemaUidFor(ctx: ServiceContext, chainId: string): Hex {
  return ctx.chains.get(chainId)?.attestations?.schemaUid ?? ATTESTATION_SCHEMA_UID;
}

/** Both forms of a binding's attestation, signed and not yet stored (`recordAttestation`). */
export interface SignedAttestation {
  jti: string;
  kid: string;
  listId: string;
  index: number;
  issuedAt: string;
  expiresAt: string;
  jwt: string;
  eip712: SignedEasAttestation | undefined;
}

/**
 * Signs the forms of an attestation of `account`: the JWT always, the EIP-712 form where
 * the account's namespace adapter lists it. Allocates its status-list entry through `db`:
 * inside a unit of work, or on its own before one (a guarded increment, so an entry is
 * never handed out twice; one whose unit then fails stays a gap, never reused).
 */
export async function signAttestation(
  ctx: ServiceContext,
  db: Kysely<Database>,
  p: { account: string; method: string; identity: Pick<IdentityRow, 'country' | 'level'>; now: Date },
): Promise<SignedAttestation> {
  const { identity } = p;
  const account = ACCOUNT_NAMESPACES.parse(p.account);
  const iat = Math.floor(p.now.getTime() / 1000);
  const exp = iat + ctx.config.attestations.lifetimeSeconds;
  const jti = newId();
  const { listId, index } = await allocateStatusListEntry(ctx, db);
  const uri = statusListUri(ctx, listId);

  const { token, kid } = await ctx.keys.signJwt(ATTESTATION_TYP, {
    iss: ctx.config.publicUrl,
    sub: account.id,
    jti,
    iat,
    nbf: iat,
    exp,
    country: identity.country,
    level: identity.level,
    method: p.method,
    status: { status_list: { idx: index, uri } },
  });

  const signEasForm = async (): Promise<SignedEasAttestation> => {
    const domain = eip712DomainFor(ctx, account.chainId);
    const fields = easAttestMessage({
      account: account.id,
      address: getAddress(account.address),
      chainId: domain.chainId,
      country: identity.country,
      level: identity.level,
      method: p.method,
      jti,
      statusIndex: index,
      statusUri: uri,
      issuedAt: iat,
      expiresAt: exp,
      salt: `0x${toHex(randomBytes(32))}` as Hex,
    });
    const message = { ...fields, schema: attestationSchemaUidFor(ctx, account.chainId) };
    const signature = await ctx.keys.signTypedData(easTypedData(domain, message));
    const { r, s, v, yParity } = parseSignature(signature);
    const eip712: SignedEasAttestation = {
      sig: {
        version: EAS_OFFCHAIN_VERSION,
        uid: easOffchainUid(message),
        domain,
        primaryType: 'Attest',
        types: EAS_ATTEST_TYPES,
        message,
        signature: { r, s, v: Number(v ?? BigInt(yParity + 27)) },
      },
      signer: (await ctx.keys.attesterAddress()) as Address,
    };
    return eip712;
  };
  const eip712 = namespaceAdapter(account.namespace).attestationForms.includes('eip712')
    ? await signEasForm()
    : undefined;
  return {
    jti,
    kid,
    listId,
    index,
    issuedAt: new Date(iat * 1000).toISOString(),
    expiresAt: new Date(exp * 1000).toISOString(),
    jwt: token,
    eip712,
  };
}

/** Stores signed forms as the binding's attestation, with its audit entry, inside the caller's unit of work. */
export async function recordAttestation(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  binding: BindingRow,
  signed: SignedAttestation,
  actor: { type: 'citizen' | 'system'; id: string | null },
): Promise<AttestationRow> {
  const row: AttestationRow = {
    id: signed.jti,
    binding_id: binding.id,
    kid: signed.kid,
    status_list_id: signed.listId,
    status_list_index: signed.index,
    status: binding.status === 'suspended' ? 'suspended' : 'valid',
    issued_at: signed.issuedAt,
    expires_at: signed.expiresAt,
    jwt: signed.jwt,
    eip712: signed.eip712 ? JSON.stringify(signed.eip712) : '',
  };
  await insertAttestation(trx, row);
  const onchain = await enqueueChainPublication(ctx, trx, binding, 'attestation.issued');
  await appendAudit(
    trx,
    {
      actorType: actor.type,
      actorId: actor.id,
      action: 'attestation.issued',
      subjectType: 'attestation',
      subjectId: signed.jti,
      details: {
        bindingId: binding.id,
        kid: signed.kid,
        statusList: signed.listId,
        index: signed.index,
        expiresAt: row.expires_at,
        ...(onchain ? { chainPublication: binding.chain_id } : {}),
      },
    },
    ctx.clock.now(),
  );
  return row;
}

/** Signs and stores the binding's attestation inside the caller's unit of work. */
export async function issueAttestation(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  binding: BindingRow,
  actor: { type: 'citizen' | 'system'; id: string | null },
): Promise<AttestationRow> {
  const identity = await findIdentityById(trx, binding.identity_id);
  if (!identity) throw new NotFoundError('The identity of this binding no longer exists');
  const signed = await signAttestation(ctx, trx, {
    account: binding.account,
    method: binding.method,
    identity,
    now: ctx.clock.now(),
  });
  return recordAttestation(ctx, trx, binding, signed, actor);
}

/**
 * A new token (and status entry) for the same binding, once the latest one is within the
 * renewal window of its expiry or past it. The older tokens stay valid until they expire.
 */
export async function renewAttestation(
  ctx: ServiceContext,
  session: Session,
  bindingId: string,
): Promise<AttestationSummary> {
  const row = await ctx.units.run(async (trx) => {
    const binding = await findBinding(trx, bindingId);
    if (!binding || binding.identity_id !== session.identityId) throw new NotFoundError('No such binding');
    if (binding.status !== 'active') {
      throw new BindingNotActiveError(`A ${binding.status} binding cannot be renewed`, {
        status: binding.status,
      });
    }
    const latest = (await listAttestationsOfBindings(trx, [binding.id])).at(-1);
    const now = ctx.clock.now();
    const windowMs = ctx.config.attestations.renewalWindowSeconds * 1000;
    if (latest && new Date(latest.expires_at).getTime() - now.getTime() > windowMs) {
      const from = new Date(new Date(latest.expires_at).getTime() - windowMs).toISOString();
      throw new RenewalNotDueError(`The current attestation can be renewed from ${from}`, {
        renewableFrom: from,
      });
    }
    return issueAttestation(ctx, trx, binding, { type: 'citizen', id: session.identityId });
  });
  return summariseAttestation(ctx, row);
}

export async function latestOwnAttestation(
  ctx: ServiceContext,
  session: Session,
  bindingId: string,
): Promise<AttestationSummary> {
  const binding = await findBinding(ctx.db, bindingId);
  if (!binding || binding.identity_id !== session.identityId) throw new NotFoundError('No such binding');
  const latest = (await listAttestationsOfBindings(ctx.db, [binding.id])).at(-1);
  if (!latest) throw new NotFoundError('This binding has no attestation');
  return summariseAttestation(ctx, latest);
}
