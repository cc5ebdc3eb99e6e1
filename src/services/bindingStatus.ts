// Status changes of a binding and, with them, of every attestation it carries: the
// binding row, the attestations' status-list values, the lists' versions, the webhook
// outbox rows and the audit entry change in the caller's transaction, so a reader never
// sees one without the others.

import type { Kysely } from 'kysely';
import type { ActorType } from '../domain/audit/auditChain.js';
import { BindingNotActiveError, NotFoundError } from '../domain/errors.js';
import type { AttestationRow, BindingRow, Database } from '../store/database.js';
import { setAttestationStatus } from '../store/repositories/attestations.js';
import { appendAudit } from '../store/repositories/auditLog.js';
import { changeBindingStatus, findBinding } from '../store/repositories/bindings.js';
import { markStatusListsChanged } from '../store/repositories/statusLists.js';
import { enqueueChainPublication } from './chainPublisher.js';
import type { ServiceContext } from './context.js';
import { enqueueStatusChange } from './statusNotifications.js';

export type BindingTransition = 'suspend' | 'reinstate' | 'revoke';

const TRANSITIONS: Record<
  BindingTransition,
  { from: string[]; to: string; attestationsFrom: string[]; attestationsTo: string; action: string }
> = {
  suspend: {
    from: ['active'],
    to: 'suspended',
    attestationsFrom: ['valid'],
    attestationsTo: 'suspended',
    action: 'binding.suspended',
  },
  reinstate: {
    from: ['suspended'],
    to: 'active',
    attestationsFrom: ['suspended'],
    attestationsTo: 'valid',
    action: 'binding.reinstated',
  },
  // Revocation is final: from either live state, and every attestation becomes invalid.
  revoke: {
    from: ['active', 'suspended'],
    to: 'revoked',
    attestationsFrom: ['valid', 'suspended'],
    attestationsTo: 'invalid',
    action: 'binding.revoked',
  },
};

export interface TransitionParameters {
  transition: BindingTransition;
  reason: string;
  actor: { type: ActorType; id: string | null };
  details?: Record<string, unknown>;
}

/** Applies a transition to a binding already read in `trx`; returns the updated row. */
export async function transitionBinding(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  binding: BindingRow,
  p: TransitionParameters,
): Promise<BindingRow> {
  const rule = TRANSITIONS[p.transition];
  if (!rule.from.includes(binding.status)) {
    throw new BindingNotActiveError(`A ${binding.status} binding cannot be changed by "${p.transition}"`, {
      status: binding.status,
    });
  }
  const now = ctx.clock.now();
  const changed = await changeBindingStatus(trx, {
    id: binding.id,
    from: binding.status,
    to: rule.to,
    at: now,
    // The reason of the state the binding is now in (suspended or revoked), for the holder's
    // page; reinstating clears it.
    ...(rule.to === 'active' ? {} : { reason: p.reason }),
  });
  if (!changed) throw new BindingNotActiveError('The binding changed status meanwhile; reload and retry');
  const lists = await setAttestationStatus(trx, {
    bindingId: binding.id,
    from: rule.attestationsFrom,
    to: rule.attestationsTo,
  });
  await markStatusListsChanged(trx, lists, now);
  const notified = await enqueueStatusChange(ctx, trx, {
    account: binding.account,
    status: rule.to,
    previousStatus: binding.status,
    reason: p.reason,
  });
  const onchain = await enqueueChainPublication(ctx, trx, binding, rule.action);
  await appendAudit(
    trx,
    {
      actorType: p.actor.type,
      actorId: p.actor.id,
      action: rule.action,
      subjectType: 'binding',
      subjectId: binding.id,
      details: {
        // The holder, so the entry is found among the entries about them (their activity).
        identityId: binding.identity_id,
        account: binding.account,
        reason: p.reason,
        attestations: lists.length,
        webhookDeliveries: notified,
        ...(onchain ? { chainPublication: true } : {}),
        ...p.details,
      },
    },
    now,
  );
  return {
    ...binding,
    status: rule.to,
    status_changed_at: now.toISOString(),
    revocation_reason: rule.to === 'active' ? null : p.reason,
  };
}

/** The same, in a transaction of its own, by binding ID. */
export async function changeBinding(ctx: ServiceContext, bindingId: string, p: TransitionParameters) {
  return ctx.units.run(async (trx) => {
    const binding = await findBinding(trx, bindingId);
    if (!binding) throw new NotFoundError('No such binding');
    return transitionBinding(ctx, trx, binding, p);
  });
}

const ATTESTATION_TRANSITIONS: Record<BindingTransition, { from: string[]; to: string; action: string }> = {
  suspend: { from: ['valid'], to: 'suspended', action: 'attestation.suspended' },
  reinstate: { from: ['suspended'], to: 'valid', action: 'attestation.reinstated' },
  revoke: { from: ['valid', 'suspended'], to: 'invalid', action: 'attestation.revoked' },
};

/** The same for one attestation alone (its binding and other attestations stay as they are). */
export async function transitionAttestation(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  attestation: AttestationRow,
  binding: BindingRow,
  p: TransitionParameters,
): Promise<boolean> {
  const rule = ATTESTATION_TRANSITIONS[p.transition];
  const [listId] = await setAttestationStatus(trx, { id: attestation.id, from: rule.from, to: rule.to });
  if (listId === undefined) return false;
  const now = ctx.clock.now();
  await markStatusListsChanged(trx, [listId], now);
  const notified = await enqueueStatusChange(ctx, trx, {
    account: binding.account,
    status: rule.to === 'invalid' ? 'revoked' : rule.to === 'valid' ? 'active' : rule.to,
    previousStatus: attestation.status === 'valid' ? 'active' : attestation.status,
    reason: p.reason,
  });
  const onchain = await enqueueChainPublication(ctx, trx, binding, rule.action);
  await appendAudit(
    trx,
    {
      actorType: p.actor.type,
      actorId: p.actor.id,
      action: rule.action,
      subjectType: 'attestation',
      subjectId: attestation.id,
      details: {
        identityId: binding.identity_id,
        bindingId: binding.id,
        account: binding.account,
        reason: p.reason,
        webhookDeliveries: notified,
        ...(onchain ? { chainPublication: true } : {}),
        ...p.details,
      },
    },
    now,
  );
  return true;
}
