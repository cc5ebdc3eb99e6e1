// Linking blockchain accounts to a verified identity, in five parts: challenges and the
// passkey step-up (walletsChallenge.ts), linking with a signed challenge
// (walletsSignature.ts), linking with an on-chain proof (walletsOnchain.ts), the binding
// rules and conflicts (walletsBinding.ts), and here the holder's own list and unlink.
// Every namespace goes through the same use cases; what differs lives in its adapter
// (src/domain/accounts).

import { BindingNotActiveError, NotFoundError } from '../domain/errors.js';
import type { AttestationRow } from '../store/database.js';
import { listAttestationsOfBindings } from '../store/repositories/attestations.js';
import { findBinding, listBindingsOfIdentity } from '../store/repositories/bindings.js';
import { type AttestationSummary, summariseAttestation } from './attestations.js';
import { transitionBinding } from './bindingStatus.js';
import type { ServiceContext } from './context.js';
import type { Session } from './sessions.js';
import { type BindingSummary, HOLDER_REQUEST, summariseBinding } from './walletsBinding.js';

export {
  type BindingStatus,
  type BindingSummary,
  createBinding,
  HOLDER_REQUEST,
  type LinkResult,
  type ProofMethod,
  summariseBinding,
} from './walletsBinding.js';
export {
  issueWalletChallenge,
  requireStepUp,
  resolveAccount,
  type WalletChallenge,
} from './walletsChallenge.js';
export { linkWithOnchainProof } from './walletsOnchain.js';
export { linkWithSignature } from './walletsSignature.js';

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
  return ctx.units.run(async (trx) => {
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
