// Four eyes on the gravest regulator actions: revoking an identity, lifting a link block
// and granting the regulator role are not done when one officer asks. The request becomes
// a pending action, and a second officer — signed in with their own passkey, within the
// time limit — approves it; only then is the action carried out, and its audit entries
// name both. Which actions need it is configuration (all three by default).
import { ApprovalClosedError, ApprovalExpiredError, ForbiddenError, SelfApprovalError } from '../errors.js';

export const FOUR_EYES_KINDS = ['identity_revocation', 'link_block_lift', 'regulator_grant'] as const;
export type FourEyesKind = (typeof FOUR_EYES_KINDS)[number];

export function isFourEyesKind(value: string): value is FourEyesKind {
  return (FOUR_EYES_KINDS as readonly string[]).includes(value);
}

export type PendingStatus = 'pending' | 'approved' | 'expired';

export interface PendingState {
  requestedBy: string;
  status: 'pending' | 'approved';
  expiresAt: string;
}

/** The status as it reads at `now`: a pending action past its limit has expired. */
export function statusAt(pending: PendingState, now: Date): PendingStatus {
  if (pending.status === 'approved') return 'approved';
  return Date.parse(pending.expiresAt) <= now.getTime() ? 'expired' : 'pending';
}

/**
 * Refuses an approval that four eyes do not allow: by anyone but an officer in person, by
 * the officer who asked, after the limit, or of an action no longer pending.
 */
export function checkApproval(
  pending: PendingState,
  approver: { id: string; via: 'officer' | 'api-key' },
  now: Date,
): void {
  if (approver.via !== 'officer') {
    throw new ForbiddenError('An approval needs an officer signed in with their own passkey, not an API key');
  }
  const status = statusAt(pending, now);
  if (status === 'approved')
    throw new ApprovalClosedError('This action has already been approved and carried out');
  if (approver.id === pending.requestedBy) {
    throw new SelfApprovalError(
      'The officer who asked for this action cannot approve it: a second officer must',
    );
  }
  if (status === 'expired') {
    throw new ApprovalExpiredError(
      `The time to approve ran out at ${pending.expiresAt}; the action must be asked for again`,
    );
  }
}
