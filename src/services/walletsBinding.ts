// The binding rules: one live binding per account, conflicts reported to the regulator,
// accounts a regulator revoked held for review, a limit per identity. Whatever the proof
// and the namespace, a new binding, its attestation, the exchanges' notifications and the
// audit entries commit in one transaction.

import type { Kysely } from 'kysely';
import { newId } from '../crypto/tokens.js';
import type { AccountId } from '../domain/accounts/index.js';
import {
  AccountAlreadyBoundError,
  AccountUnderReviewError,
  BindingLimitReachedError,
  BindingNotActiveError,
  ChallengeInvalidError,
  IdentityLinkBlockedError,
} from '../domain/errors.js';
import { isUniqueViolation } from '../store/constraints.js';
import type { AttestationRow, BindingRow, Database } from '../store/database.js';
import { listAttestationsOfBindings } from '../store/repositories/attestations.js';
import { appendAudit } from '../store/repositories/auditLog.js';
import {
  countLiveBindingsOfIdentity,
  findLiveBindingForAccount,
  insertBinding,
  insertConflictReport,
  listConflictReports,
} from '../store/repositories/bindings.js';
import { findIdentityById } from '../store/repositories/identities.js';
import { bindingsOfAccounts } from '../store/repositories/lookups.js';
import { takeWalletChallenge } from '../store/repositories/walletChallenges.js';
import {
  type AttestationSummary,
  issueAttestation,
  recordAttestation,
  type SignedAttestation,
  signAttestation,
  summariseAttestation,
} from './attestations.js';
import type { ServiceContext } from './context.js';
import { enqueueStatusChange } from './statusNotifications.js';

/** A proof method, as its namespace adapter names it (`eip191`, `tip191`, `siws`…). */
export type ProofMethod = string;
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
  /** Why a regulator suspended the binding (a reason code), while it is suspended. */
  suspensionReason?: string;
}

/** The revocation reason of a holder's own unlink; every other reason is a regulator's. */
export const HOLDER_REQUEST = 'holder_request';

export interface LinkResult {
  binding: BindingSummary;
  /** The newest attestation of the binding (just issued when the binding is new). */
  attestation: AttestationSummary;
  /** False when the account was already linked to this identity. */
  created: boolean;
}

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
    method: row.method,
    status: row.status as BindingStatus,
    createdAt: row.created_at,
    statusChangedAt: row.status_changed_at,
    ...(row.revocation_reason && row.status === 'revoked' ? { revocationReason: row.revocation_reason } : {}),
    ...(row.revocation_reason && row.status === 'suspended'
      ? { suspensionReason: row.revocation_reason }
      : {}),
  };
}

/** An identity a regulator revoked may not link accounts until the block is lifted. */
export async function requireLinkingAllowed(db: Kysely<Database>, identityId: string): Promise<void> {
  const identity = await findIdentityById(db, identityId);
  if (identity?.link_blocked_at) {
    throw new IdentityLinkBlockedError(
      'A regulator has revoked this identity; it cannot link accounts until the regulator lifts the block',
    );
  }
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
 * of a new binding in the same transaction. `challenge`, when given, is taken inside the
 * binding's transaction: if binding fails, the challenge survives.
 *
 * The attestation of a new binding is signed before the unit of work, so the write lock
 * is not held over its status-list allocation and signing (docs/architecture.md, the
 * write lock): only when no live binding holds the account, as far as a read outside
 * the unit can tell. The unit decides as before; should it find otherwise, the signed
 * forms are dropped (their status entry stays a gap) or, if the account came free,
 * signed inside after all.
 */
export async function bindAccount(
  ctx: ServiceContext,
  p: { identityId: string; account: AccountId; method: ProofMethod },
  challenge?: { challengeHash: string; sessionBinding: string },
): Promise<LinkResult> {
  const signed = await signedAhead(ctx, p, ctx.clock.now());
  const attempt = (allowInsert: boolean) =>
    ctx.units.run(async (trx): Promise<BindOutcome> => {
      if (challenge !== undefined) {
        const taken = await takeWalletChallenge(trx, challenge);
        if (!taken) throw new ChallengeInvalidError('This challenge has already been used');
      }
      // Taken inside the unit, so the audit entries' times follow their order in the chain
      // (the attestation signed ahead keeps the moment it was signed).
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
      const actor = { type: 'citizen', id: p.identityId } as const;
      const attestation = signed
        ? await recordAttestation(ctx, trx, binding, signed, actor)
        : await issueAttestation(ctx, trx, binding, actor);
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

/** The attestation of the binding about to be made, signed outside the unit; none where the account looks held. */
async function signedAhead(
  ctx: ServiceContext,
  p: { identityId: string; account: AccountId; method: ProofMethod },
  now: Date,
): Promise<SignedAttestation | undefined> {
  if (await findLiveBindingForAccount(ctx.db, p.account.id)) return undefined;
  const identity = await findIdentityById(ctx.db, p.identityId);
  if (!identity) return undefined;
  return signAttestation(ctx, ctx.db, { account: p.account.id, method: p.method, identity, now });
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
