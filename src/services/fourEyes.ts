// Four eyes (src/domain/regulator/fourEyes.ts) as use cases: an officer's (or a regulator
// system's) request for a grave action becomes a pending action with its audit entry; a
// second officer's approval carries the action out in the same transaction as the
// approval, through the same services as a direct action, and every entry it writes names
// both (details.approvedBy, details.pendingActionId).
import type { Kysely } from 'kysely';
import { newId } from '../crypto/tokens.js';
import { ApprovalClosedError, NotFoundError } from '../domain/errors.js';
import type { PurposeCode } from '../domain/regulator/accessPurpose.js';
import {
  checkApproval,
  type FourEyesKind,
  type PendingStatus,
  statusAt,
} from '../domain/regulator/fourEyes.js';
import type { Database } from '../store/database.js';
import { appendAudit } from '../store/repositories/auditLog.js';
import { findIdentityById } from '../store/repositories/identities.js';
import {
  findPendingAction,
  insertPendingAction,
  listOpenPendingActions,
  markApproved,
  type PendingActionRow,
} from '../store/repositories/pendingActions.js';
import type { ServiceContext } from './context.js';
import {
  accessDetails,
  applyRegulatorAction,
  grantRegulatorRole,
  liftLinkBlock,
  type ReasonCode,
  type RegulatorActor,
} from './regulator.js';

/** What the pending action will do, as its request gave it. */
export interface PendingRequest {
  identity: string;
  reason?: ReasonCode;
  legalReference?: string;
}

export interface PendingAction extends PendingRequest {
  id: string;
  kind: FourEyesKind;
  requestedBy: string;
  requestedVia: 'officer' | 'api-key';
  purpose: string;
  caseReference: string;
  requestedAt: string;
  expiresAt: string;
  status: PendingStatus;
  approvedBy?: string;
  approvedAt?: string;
}

export function needsApproval(ctx: ServiceContext, kind: FourEyesKind): boolean {
  return ctx.config.fourEyes.actions.includes(kind);
}

function summarise(row: PendingActionRow, now: Date): PendingAction {
  return {
    ...(JSON.parse(row.payload) as PendingRequest),
    id: row.id,
    kind: row.kind as FourEyesKind,
    requestedBy: row.requested_by,
    requestedVia: row.requested_via as PendingAction['requestedVia'],
    purpose: row.purpose,
    caseReference: row.case_reference,
    requestedAt: row.requested_at,
    expiresAt: row.expires_at,
    status: statusAt({ requestedBy: row.requested_by, status: row.status, expiresAt: row.expires_at }, now),
    ...(row.approved_by ? { approvedBy: row.approved_by } : {}),
    ...(row.approved_at ? { approvedAt: row.approved_at } : {}),
  };
}

/** Files the request for a second officer's approval; nothing else changes yet. */
export async function requestApproval(
  ctx: ServiceContext,
  actor: RegulatorActor,
  kind: FourEyesKind,
  request: PendingRequest,
): Promise<PendingAction> {
  // The request was validated by its route's schema (the reason among REASON_CODES).
  const access = accessDetails(actor);
  return ctx.units.run(async (trx) => {
    if (!(await findIdentityById(trx, request.identity))) throw new NotFoundError('No such identity');
    const now = ctx.clock.now();
    const row: PendingActionRow = {
      id: newId(),
      kind,
      payload: JSON.stringify(request),
      requested_by: actor.id,
      requested_via: actor.via,
      purpose: access.purpose,
      case_reference: access.caseReference,
      requested_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ctx.config.fourEyes.approvalSeconds * 1000).toISOString(),
      status: 'pending',
      approved_by: null,
      approved_at: null,
    };
    await insertPendingAction(trx, row);
    await appendAudit(
      trx,
      {
        actorType: 'regulator',
        actorId: actor.id,
        action: 'regulator.approval_requested',
        subjectType: 'pending_action',
        subjectId: row.id,
        // The person is named as `target`, not `identityId`: the entry is not indexed under
        // them, so a request that may never be approved (perhaps under a confidential case)
        // does not tip them off; the action's own entries reach them once it is carried out.
        details: {
          kind,
          target: { identity: request.identity },
          ...(request.reason ? { reason: request.reason } : {}),
          ...(request.legalReference ? { legalReference: request.legalReference } : {}),
          expiresAt: row.expires_at,
          ...access,
        },
      },
      now,
    );
    return summarise(row, now);
  });
}

async function carryOut(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  actor: RegulatorActor,
  pending: PendingAction,
) {
  const reason = pending.reason ?? 'other';
  const legalReference = pending.legalReference ?? '';
  switch (pending.kind) {
    case 'identity_revocation':
      return applyRegulatorAction(
        ctx,
        actor,
        'revoke',
        { target: { identity: pending.identity }, reason, legalReference },
        trx,
      );
    case 'link_block_lift':
      return liftLinkBlock(ctx, actor, { identity: pending.identity, reason, legalReference }, trx);
    case 'regulator_grant':
      return grantRegulatorRole(ctx, actor, pending.identity, trx);
  }
}

/**
 * A second officer's approval: checked (another officer, in person, in time, still
 * pending), recorded, and the action carried out as its requester asked, all in one
 * transaction. The approver states their own purpose and case.
 */
export async function approvePendingAction(ctx: ServiceContext, approver: RegulatorActor, id: string) {
  const approverAccess = accessDetails(approver);
  return ctx.units.run(async (trx) => {
    const row = await findPendingAction(trx, id);
    if (!row) throw new NotFoundError('No such pending action');
    const now = ctx.clock.now();
    checkApproval(
      { requestedBy: row.requested_by, status: row.status, expiresAt: row.expires_at },
      approver,
      now,
    );
    if (!(await markApproved(trx, id, approver.id, now))) {
      throw new ApprovalClosedError('This action has already been approved and carried out');
    }
    const pending = summarise(
      { ...row, status: 'approved', approved_by: approver.id, approved_at: now.toISOString() },
      now,
    );
    const requester: RegulatorActor = {
      id: row.requested_by,
      via: pending.requestedVia,
      access: { purpose: row.purpose as PurposeCode, caseReference: row.case_reference },
      approval: {
        by: approver.id,
        pendingActionId: id,
        access: { purpose: approverAccess.purpose, caseReference: approverAccess.caseReference },
      },
    };
    await appendAudit(
      trx,
      {
        actorType: 'regulator',
        actorId: approver.id,
        action: 'regulator.approval_given',
        subjectType: 'pending_action',
        subjectId: id,
        details: {
          kind: pending.kind,
          identityId: pending.identity,
          requestedBy: row.requested_by,
          ...approverAccess,
        },
      },
      now,
    );
    const result = await carryOut(ctx, trx, requester, pending);
    return { pending, result };
  });
}

export async function listPendingActions(ctx: ServiceContext): Promise<PendingAction[]> {
  const now = ctx.clock.now();
  return (await listOpenPendingActions(ctx.db, now, 500)).map((row) => summarise(row, now));
}

export async function pendingActionById(ctx: ServiceContext, id: string): Promise<PendingAction> {
  const row = await findPendingAction(ctx.db, id);
  if (!row) throw new NotFoundError('No such pending action');
  return summarise(row, ctx.clock.now());
}
