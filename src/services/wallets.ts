// Linking blockchain accounts to a verified identity. The citizen asks for an EIP-4361
// challenge, then proves control of the account either by signing it or by calling the
// registry contract with its hash; a fresh passkey assertion is required both times. The
// binding, any conflict report, the exchanges' notifications and their audit entries
// commit in one transaction.

import type { Kysely } from 'kysely';
import { type Hex, keccak256, stringToBytes } from 'viem';
import {
  type ControlProofEvent,
  type EvmChain,
  readControlProof,
  verifyEip4361Signature,
} from '../chains/evmChains.js';
import { hashToken, newId } from '../crypto/tokens.js';
import {
  ACCOUNT_NAMESPACES,
  type AccountId,
  requireCanonicalEoaSignature,
} from '../domain/accounts/index.js';
import { buildWalletChallengeMessage, differingFields, nonceOf } from '../domain/accounts/walletChallenge.js';
import { randomBytes, toHex } from '../domain/encoding.js';
import {
  AccountAlreadyBoundError,
  AccountUnderReviewError,
  BindingLimitReachedError,
  BindingNotActiveError,
  ChallengeExpiredError,
  ChallengeInvalidError,
  IdentityLinkBlockedError,
  InsufficientConfirmationsError,
  MessageMismatchError,
  NotFoundError,
  OnchainProofInvalidError,
  StepUpRequiredError,
  UnsupportedChainError,
} from '../domain/errors.js';
import { isUniqueViolation } from '../store/constraints.js';
import type { AttestationRow, BindingRow, Database, WalletChallengeRow } from '../store/database.js';
import { listAttestationsOfBindings } from '../store/repositories/attestations.js';
import { appendAudit } from '../store/repositories/auditLog.js';
import {
  countLiveBindingsOfIdentity,
  findBinding,
  findLiveBindingForAccount,
  insertBinding,
  insertConflictReport,
  listBindingsOfIdentity,
  listConflictReports,
} from '../store/repositories/bindings.js';
import { findIdentityById } from '../store/repositories/identities.js';
import { bindingsOfAccounts } from '../store/repositories/lookups.js';
import {
  findWalletChallengeByHash,
  insertWalletChallenge,
  takeWalletChallenge,
} from '../store/repositories/walletChallenges.js';
import { inTransaction } from '../store/transaction.js';
import { type AttestationSummary, issueAttestation, summariseAttestation } from './attestations.js';
import { transitionBinding } from './bindingStatus.js';
import type { ServiceContext } from './context.js';
import type { Session } from './sessions.js';
import { enqueueStatusChange } from './statusNotifications.js';

export type ProofMethod = 'eip191' | 'erc1271' | 'erc6492' | 'onchain';
export type BindingStatus = 'active' | 'suspended' | 'revoked';

export interface BindingSummary {
  id: string;
  account: string;
  chainId: string;
  method: ProofMethod;
  status: BindingStatus;
  createdAt: string;
  statusChangedAt: string;
  revocationReason?: string;
}

/** The revocation reason of a holder's own unlink; every other reason is a regulator's. */
export const HOLDER_REQUEST = 'holder_request';

/** Writes a new live binding and its audit entry, inside the caller's transaction. */
export async function createBinding(
  trx: Kysely<Database>,
  p: {
    identityId: string;
    account: Pick<AccountId, 'id' | 'chainId'>;
    method: string;
    now: Date;
    details?: Record<string, unknown>;
  },
): Promise<BindingRow> {
  const binding: BindingRow = {
    id: newId(),
    identity_id: p.identityId,
    account: p.account.id,
    chain_id: p.account.chainId,
    method: p.method,
    status: 'active',
    created_at: p.now.toISOString(),
    status_changed_at: p.now.toISOString(),
    revocation_reason: null,
  };
  await insertBinding(trx, binding);
  await appendAudit(
    trx,
    {
      actorType: 'citizen',
      actorId: p.identityId,
      action: 'binding.created',
      subjectType: 'binding',
      subjectId: binding.id,
      details: { account: p.account.id, method: p.method, identityId: p.identityId, ...p.details },
    },
    p.now,
  );
  return binding;
}

export function summariseBinding(row: BindingRow): BindingSummary {
  return {
    id: row.id,
    account: row.account,
    chainId: row.chain_id,
    method: row.method as ProofMethod,
    status: row.status as BindingStatus,
    createdAt: row.created_at,
    statusChangedAt: row.status_changed_at,
    ...(row.revocation_reason ? { revocationReason: row.revocation_reason } : {}),
  };
}

/** Parses a CAIP-10 account and finds its chain among the configured ones. */
export function resolveAccount(ctx: ServiceContext, raw: string): { account: AccountId; chain: EvmChain } {
  const account = ACCOUNT_NAMESPACES.parse(raw);
  const chain = ctx.chains.get(account.chainId);
  if (!chain) {
    throw new UnsupportedChainError(
      `Chain ${account.chainId} is not supported here (supported: ${[...ctx.chains.keys()].join(', ')})`,
    );
  }
  return { account, chain };
}

/** An identity a regulator revoked may not link accounts until the block is lifted. */
async function requireLinkingAllowed(db: Kysely<Database>, identityId: string): Promise<void> {
  const identity = await findIdentityById(db, identityId);
  if (identity?.link_blocked_at) {
    throw new IdentityLinkBlockedError(
      'A regulator has revoked this identity; it cannot link accounts until the regulator lifts the block',
    );
  }
}

/**
 * Linking needs a passkey assertion made moments ago, not just a live session: checked when
 * the challenge is issued and again when the proof is submitted, so no account is linked
 * more than `stepUpSeconds` after the last assertion.
 */
export function requireStepUp(ctx: ServiceContext, session: Session): void {
  const limitMs = ctx.config.wallets.stepUpSeconds * 1000;
  const at = session.passkeyVerifiedAt;
  if (!at || ctx.clock.now().getTime() - at.getTime() > limitMs) {
    throw new StepUpRequiredError(
      `Linking an account needs a passkey confirmation from the last ${ctx.config.wallets.stepUpSeconds / 60} minutes; sign in with your passkey again`,
      { stepUp: '/v1/webauthn/authentication/options' },
    );
  }
}

export interface WalletChallenge {
  account: string;
  message: string;
  nonce: string;
  issuedAt: string;
  expiresAt: string;
  /** keccak256 of the message: the argument of proveControl for an on-chain proof. */
  challengeHash: Hex;
  onchain?: { registry: string; chainId: number; confirmations: number; function: string };
}

export function challengeHashOf(message: string): Hex {
  return keccak256(stringToBytes(message));
}

export async function issueWalletChallenge(
  ctx: ServiceContext,
  session: Session,
  rawAccount: string,
): Promise<WalletChallenge> {
  const { account, chain } = resolveAccount(ctx, rawAccount);
  requireStepUp(ctx, session);
  await requireLinkingAllowed(ctx.db, session.identityId);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.wallets.challengeSeconds * 1000);
  // 128 random bits, hex: EIP-4361 nonces must be alphanumeric and at least 8 characters.
  const nonce = toHex(randomBytes(16));
  const publicUrl = new URL(ctx.config.publicUrl);
  const message = buildWalletChallengeMessage({
    account,
    domain: publicUrl.host,
    uri: publicUrl.origin,
    serviceName: ctx.config.rpName,
    nonce,
    issuedAt: now,
    expiresAt,
  });
  const challengeHash = challengeHashOf(message);
  await insertWalletChallenge(ctx.db, {
    id: await hashToken(nonce, ctx.digests),
    challenge_hash: challengeHash,
    session_binding: await hashToken(session.id, ctx.digests),
    identity_id: session.identityId,
    account: account.id,
    message,
    issued_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
  });
  return {
    account: account.id,
    message,
    nonce,
    issuedAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    challengeHash,
    ...(chain.registry && chain.client
      ? {
          onchain: {
            registry: chain.registry,
            chainId: chain.chainId,
            confirmations: chain.confirmations,
            function: 'proveControl(bytes32)',
          },
        }
      : {}),
  };
}

/** Unknown, used, foreign and expired challenges are told apart only where that is safe. */
async function checkChallengeOwnership(
  ctx: ServiceContext,
  session: Session,
  row: WalletChallengeRow | undefined,
) {
  if (!row || row.session_binding !== (await hashToken(session.id, ctx.digests))) {
    throw new ChallengeInvalidError(
      'No outstanding challenge matches: it is unknown, already used, or was issued to another session',
    );
  }
  if (row.expires_at <= ctx.clock.now().toISOString()) {
    throw new ChallengeExpiredError(`The challenge expired at ${row.expires_at}; ask for a new one`);
  }
}

export interface LinkResult {
  binding: BindingSummary;
  /** The newest attestation of the binding (just issued when the binding is new). */
  attestation: AttestationSummary;
  /** False when the account was already linked to this identity. */
  created: boolean;
}

/** Completes a signed EIP-4361 challenge. The challenge is used up whatever the outcome. */
export async function linkWithSignature(
  ctx: ServiceContext,
  session: Session,
  p: { message: string; signature: string },
): Promise<LinkResult> {
  // First of all: a late proof is refused without touching the challenge.
  requireStepUp(ctx, session);
  const nonce = nonceOf(p.message);
  if (!nonce) throw new MessageMismatchError('The message has no Nonce line, so it answers no challenge');
  const row = await takeWalletChallenge(ctx.db, {
    id: await hashToken(nonce, ctx.digests),
    sessionBinding: await hashToken(session.id, ctx.digests),
  });
  await checkChallengeOwnership(ctx, session, row);
  const issued = row!;
  if (p.message !== issued.message) {
    const fields = differingFields(issued.message, p.message);
    throw new MessageMismatchError(
      fields.length > 0
        ? `The message differs from the one issued in: ${fields.join(', ')}`
        : 'The message is not byte for byte the one issued (whitespace, line order, line endings or letter case differ)',
      { fields },
    );
  }
  const { account, chain } = resolveAccount(ctx, issued.account);
  const publicUrl = new URL(ctx.config.publicUrl);
  const method = await verifyEip4361Signature(chain, {
    message: p.message,
    signature: p.signature,
    address: account.address,
    domain: publicUrl.host,
    nonce,
  });
  if (method === 'eip191') requireCanonicalEoaSignature(p.signature);
  return bindAccount(ctx, { identityId: issued.identity_id, account, method });
}

/** Completes an on-chain proof: a mined, confirmed ControlProven(account, challengeHash). */
export async function linkWithOnchainProof(
  ctx: ServiceContext,
  session: Session,
  p: { account: string; txHash: Hex },
): Promise<LinkResult> {
  const { account, chain } = resolveAccount(ctx, p.account);
  requireStepUp(ctx, session);
  const proof = await readControlProof(chain, p.txHash);
  const fromAccount = proof.events.filter((event) => event.account === account.address);
  if (fromAccount.length === 0) {
    const senders = [...new Set(proof.events.map((event) => event.account))].join(', ');
    throw new OnchainProofInvalidError(
      `The transaction proves control of ${senders}, not of ${account.address}: the account itself must call proveControl`,
    );
  }
  const sessionBinding = await hashToken(session.id, ctx.digests);
  let match: { event: ControlProofEvent; row: WalletChallengeRow } | undefined;
  for (const event of fromAccount) {
    const row = await findWalletChallengeByHash(ctx.db, event.challengeHash);
    if (row && row.account === account.id && row.session_binding === sessionBinding) match = { event, row };
  }
  if (!match) {
    throw new OnchainProofInvalidError(
      'The challenge hash in the transaction is not an outstanding challenge of this session for this account',
    );
  }
  await checkChallengeOwnership(ctx, session, match.row);
  if (proof.confirmations < chain.confirmations) {
    // The challenge stays outstanding, so the same transaction can be submitted again later.
    throw new InsufficientConfirmationsError(
      `The transaction has ${proof.confirmations} of the ${chain.confirmations} confirmations ${chain.id} needs; submit it again later`,
      { confirmations: proof.confirmations, required: chain.confirmations },
    );
  }
  const taken = { challengeHash: match.event.challengeHash, sessionBinding };
  return bindAccount(ctx, { identityId: session.identityId, account, method: 'onchain' }, taken);
}

type BindOutcome =
  | { kind: 'created' | 'existing'; binding: BindingRow; attestation: AttestationRow | undefined }
  | { kind: 'conflict'; existing: BindingRow }
  | { kind: 'under_review'; existing: BindingRow };

/**
 * The regulator-revoked binding that keeps the account from `claimantId`, if any. A binding
 * a regulator revoked (any reason but the holder's own unlink) of another identity holds the
 * account until a regulator releases it by resolving a conflict report on that binding
 * with `revoke_existing`. The former holder is not held (a regulator blocks the identity
 * for that); a holder's own unlink frees the account at once.
 */
function regulatorHold(
  bindings: readonly BindingRow[],
  released: ReadonlySet<string>,
  claimantId: string,
): BindingRow | undefined {
  return bindings.find(
    (binding) =>
      binding.status === 'revoked' &&
      binding.revocation_reason !== HOLDER_REQUEST &&
      binding.identity_id !== claimantId &&
      !released.has(binding.id),
  );
}

async function releasedBindings(trx: Kysely<Database>, account: string): Promise<Set<string>> {
  const resolved = await listConflictReports(trx, { account, status: 'resolved' });
  return new Set(
    resolved
      .filter((report) => report.resolution === 'revoke_existing')
      .map((report) => report.existing_binding_id),
  );
}

/**
 * Binds the account, or records a conflict when another identity holds it (live, or
 * revoked by a regulator and not yet released). The one-live-binding rule is a unique
 * index; if a concurrent transaction wins the race the insert fails, and the loser is
 * recorded as a conflict like any other. Exchanges interested in the account are notified
 * of a new binding in the same transaction.
 */
async function bindAccount(
  ctx: ServiceContext,
  p: { identityId: string; account: AccountId; method: ProofMethod },
  onchainChallenge?: { challengeHash: Hex; sessionBinding: string },
): Promise<LinkResult> {
  const attempt = (allowInsert: boolean) =>
    inTransaction(ctx.db, async (trx): Promise<BindOutcome> => {
      if (onchainChallenge !== undefined) {
        // Taken inside the binding's transaction: if binding fails, the challenge survives.
        const taken = await takeWalletChallenge(trx, onchainChallenge);
        if (!taken) throw new ChallengeInvalidError('This challenge has already been used');
      }
      const now = ctx.clock.now();
      const live = await findLiveBindingForAccount(trx, p.account.id);
      if (live?.identity_id === p.identityId) {
        if (live.status !== 'active') {
          throw new BindingNotActiveError(
            'This account is already linked to you, but a regulator has suspended the binding; it stays suspended until the regulator reinstates it',
            live,
          );
        }
        const attestation = (await listAttestationsOfBindings(trx, [live.id])).at(-1);
        return { kind: 'existing', binding: live, attestation };
      }
      if (live) {
        await recordConflict(trx, { ...p, existing: live, now });
        return { kind: 'conflict', existing: live };
      }
      if (!allowInsert) throw new Error('The competing binding vanished; retry');
      const earlier = await bindingsOfAccounts(trx, [p.account.id]);
      const held = regulatorHold(earlier, await releasedBindings(trx, p.account.id), p.identityId);
      if (held) {
        await recordConflict(trx, { ...p, existing: held, now });
        return { kind: 'under_review', existing: held };
      }
      await requireLinkingAllowed(trx, p.identityId);
      const limit = ctx.config.wallets.maxBindingsPerIdentity;
      if ((await countLiveBindingsOfIdentity(trx, p.identityId)) >= limit) {
        throw new BindingLimitReachedError(
          `An identity may link at most ${limit} accounts; unlink one first`,
        );
      }
      const notified = await enqueueStatusChange(ctx, trx, {
        account: p.account.id,
        status: 'active',
        previousStatus: earlier.length > 0 ? 'revoked' : 'none',
        reason: 'linked',
      });
      const binding = await createBinding(trx, {
        identityId: p.identityId,
        account: p.account,
        method: p.method,
        now,
        details: { webhookDeliveries: notified },
      });
      const attestation = await issueAttestation(ctx, trx, binding, { type: 'citizen', id: p.identityId });
      return { kind: 'created', binding, attestation };
    });

  let outcome: BindOutcome;
  try {
    outcome = await attempt(true);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    outcome = await attempt(false);
  }
  if (outcome.kind === 'conflict') {
    throw new AccountAlreadyBoundError(
      'This account is linked to another identity. The claim has been reported to the regulator for review.',
    );
  }
  if (outcome.kind === 'under_review') {
    throw new AccountUnderReviewError(
      "A regulator revoked this account's previous binding. The claim has been reported to the regulator; the account can be linked once the regulator releases it.",
    );
  }
  if (!outcome.attestation) throw new Error(`Binding ${outcome.binding.id} has no attestation`);
  return {
    binding: summariseBinding(outcome.binding),
    attestation: summariseAttestation(ctx, outcome.attestation),
    created: outcome.kind === 'created',
  };
}

async function recordConflict(
  trx: Kysely<Database>,
  p: { identityId: string; account: AccountId; method: ProofMethod; existing: BindingRow; now: Date },
) {
  const id = newId();
  await insertConflictReport(trx, {
    id,
    account: p.account.id,
    existing_binding_id: p.existing.id,
    claimant_identity_id: p.identityId,
    method: p.method,
    status: 'open',
    created_at: p.now.toISOString(),
    resolved_at: null,
    resolution: null,
  });
  await appendAudit(
    trx,
    {
      actorType: 'citizen',
      actorId: p.identityId,
      action: 'binding.conflict',
      subjectType: 'conflict_report',
      subjectId: id,
      details: {
        account: p.account.id,
        method: p.method,
        existingBindingId: p.existing.id,
        claimantIdentityId: p.identityId,
      },
    },
    p.now,
  );
}

/** The identity's bindings, each with its newest attestation. */
export async function listOwnBindings(
  ctx: ServiceContext,
  identityId: string,
): Promise<(BindingSummary & { attestation?: AttestationSummary })[]> {
  const bindings = await listBindingsOfIdentity(ctx.db, identityId);
  const newest = new Map<string, AttestationRow>();
  for (const row of await listAttestationsOfBindings(
    ctx.db,
    bindings.map((binding) => binding.id),
  )) {
    newest.set(row.binding_id, row); // ordered by issue time: the last one wins
  }
  return bindings.map((binding) => {
    const attestation = newest.get(binding.id);
    return {
      ...summariseBinding(binding),
      ...(attestation ? { attestation: summariseAttestation(ctx, attestation) } : {}),
    };
  });
}

/** Self-revocation by the holder (reason `holder_request`). Suspended bindings stay for the regulator. */
export async function unlinkOwnBinding(ctx: ServiceContext, session: Session, bindingId: string) {
  return inTransaction(ctx.db, async (trx) => {
    const binding = await findBinding(trx, bindingId);
    // Another identity's binding is reported as absent, not as forbidden: IDs reveal nothing.
    if (!binding || binding.identity_id !== session.identityId) throw new NotFoundError('No such binding');
    if (binding.status !== 'active') {
      throw new BindingNotActiveError(
        binding.status === 'revoked'
          ? 'This binding has already been revoked'
          : 'This binding is suspended by a regulator and cannot be unlinked until it is reinstated',
        binding,
      );
    }
    const revoked = await transitionBinding(ctx, trx, binding, {
      transition: 'revoke',
      reason: HOLDER_REQUEST,
      actor: { type: 'citizen', id: session.identityId },
    });
    return summariseBinding(revoked);
  });
}
