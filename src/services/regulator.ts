// What regulators do (SPEC "Regulator"): look people and accounts up (each lookup is
// itself audited), suspend, reinstate and revoke one attestation, every attestation of an
// account or of an identity, resolve conflict reports, and read the exchanges' query log.
// Every action is idempotent and runs in one transaction with all of its effects.

import { type Kysely, sql } from 'kysely';
import { ACCOUNT_NAMESPACES } from '../domain/accounts/index.js';
import type { ActorType } from '../domain/audit/auditChain.js';
import {
  AccessPurposeRequiredError,
  NotFoundError,
  RevocationFinalError,
  ValidationError,
} from '../domain/errors.js';
import { validateNationalId } from '../domain/identity/nationalId.js';
import { type AccessContext, PURPOSE_CODES } from '../domain/regulator/accessPurpose.js';
import type { AttestationRow, BindingRow, Database, IdentityRow } from '../store/database.js';
import { findAttestation, listAttestationsOfBindings } from '../store/repositories/attestations.js';
import { appendAudit, listAudit } from '../store/repositories/auditLog.js';
import { findBinding, listBindingsOfIdentity, listConflictReports } from '../store/repositories/bindings.js';
import { findIdentityById, findIdentityByNationalIdHash } from '../store/repositories/identities.js';
import { bindingsOfAccounts } from '../store/repositories/lookups.js';
import {
  findConflictReport,
  type QueryLogFilter,
  resolveConflictReport,
  searchQueryLog,
  setLinkBlock,
  setRoles,
} from '../store/repositories/regulator.js';
import { summariseAttestation } from './attestations.js';
import { type BindingTransition, transitionAttestation, transitionBinding } from './bindingStatus.js';
import type { ServiceContext } from './context.js';
import { nationalIdLookupHash, type PersonalData, PURPOSE } from './identities.js';
import { summariseBinding } from './wallets.js';

export const REASON_CODES = [
  'fraud',
  'court_order',
  'sanctions',
  'identity_compromised',
  'key_compromise',
  'other',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** An officer signed in with a passkey, or a regulator system's API key. */
export interface RegulatorActor {
  id: string;
  via: 'officer' | 'api-key';
  /** The purpose and case the request states; every lookup and action needs them. */
  access?: AccessContext;
  /** Set when a second officer's approval carries out this actor's pending action. */
  approval?: { by: string; pendingActionId: string; access: AccessContext };
}

/**
 * What every regulator audit entry says of the access: how the regulator came in, why and
 * for which case. Refuses (before anything is read) when the purpose or case is missing.
 */
export function accessDetails(actor: RegulatorActor) {
  if (!actor.access) {
    throw new AccessPurposeRequiredError(
      'Every regulator lookup and action needs a purpose code and a case reference',
      { purposes: [...PURPOSE_CODES] },
    );
  }
  return {
    via: actor.via,
    purpose: actor.access.purpose,
    caseReference: actor.access.caseReference,
    // Four eyes: both officers, and the approver's own purpose and case, in every entry.
    ...(actor.approval
      ? {
          approvedBy: actor.approval.by,
          pendingActionId: actor.approval.pendingActionId,
          approverPurpose: actor.approval.access.purpose,
          approverCaseReference: actor.approval.access.caseReference,
        }
      : {}),
  };
}

const ACTOR_TYPE: ActorType = 'regulator';

function actorOf(actor: RegulatorActor) {
  return { type: ACTOR_TYPE, id: actor.id };
}

// ---------------------------------------------------------------- lookups

async function describeIdentity(ctx: ServiceContext, identity: IdentityRow) {
  const personal = JSON.parse(
    await ctx.protector.decrypt(identity.personal_data_ciphertext, PURPOSE.personalData),
  ) as PersonalData;
  return {
    id: identity.id,
    country: identity.country,
    nationalId: await ctx.protector.decrypt(identity.national_id_ciphertext, PURPOSE.nationalId),
    ...personal,
    level: identity.level,
    source: identity.source,
    verifiedAt: identity.verified_at,
    roles: identity.roles.split(' '),
    linkBlock: identity.link_blocked_at
      ? { at: identity.link_blocked_at, reason: identity.link_blocked_reason ?? '' }
      : null,
  };
}

async function describeBindings(ctx: ServiceContext, bindings: BindingRow[]) {
  const attestations = await listAttestationsOfBindings(
    ctx.db,
    bindings.map((b) => b.id),
  );
  return bindings.map((binding) => ({
    ...summariseBinding(binding),
    identityId: binding.identity_id,
    attestations: attestations
      .filter((a) => a.binding_id === binding.id)
      .map((a) => {
        const { jwt: _jwt, eip712: _eip712, ...rest } = summariseAttestation(ctx, a);
        return rest;
      }),
  }));
}

/** Records who looked at whom, in its own transaction, before the answer leaves. */
async function auditLookup(
  ctx: ServiceContext,
  actor: RegulatorActor,
  access: ReturnType<typeof accessDetails>,
  by: string,
  identityIds: string[],
  extra = {},
) {
  await ctx.units.run(async (trx) => {
    await appendAudit(
      trx,
      {
        actorType: ACTOR_TYPE,
        actorId: actor.id,
        action: 'regulator.lookup',
        subjectType: 'identity',
        subjectId: identityIds[0] ?? null,
        details: { by, ...access, identityIds, ...extra },
      },
      ctx.clock.now(),
    );
  });
}

export async function lookupByNationalId(ctx: ServiceContext, actor: RegulatorActor, rawNationalId: string) {
  const access = accessDetails(actor);
  const nationalId = validateNationalId(ctx.config.country, rawNationalId);
  const identity = await findIdentityByNationalIdHash(
    ctx.db,
    await nationalIdLookupHash(ctx, ctx.config.country, nationalId),
  );
  // The search is audited even when it finds no one (by its keyed hash, never the ID).
  await auditLookup(ctx, actor, access, 'national_id', identity ? [identity.id] : [], {
    found: Boolean(identity),
  });
  if (!identity) throw new NotFoundError('No verified identity has this national ID');
  return {
    identity: await describeIdentity(ctx, identity),
    bindings: await describeBindings(ctx, await listBindingsOfIdentity(ctx.db, identity.id)),
  };
}

export async function lookupByAccount(ctx: ServiceContext, actor: RegulatorActor, rawAccount: string) {
  const access = accessDetails(actor);
  const account = ACCOUNT_NAMESPACES.parse(rawAccount).id;
  const bindings = await bindingsOfAccounts(ctx.db, [account]);
  const identityIds = [...new Set(bindings.map((b) => b.identity_id))];
  await auditLookup(ctx, actor, access, 'account', identityIds, { account });
  const identities = [];
  for (const id of identityIds) {
    const identity = await findIdentityById(ctx.db, id);
    if (identity) identities.push(await describeIdentity(ctx, identity));
  }
  return { account, bindings: await describeBindings(ctx, bindings), identities };
}

export async function lookupByBinding(ctx: ServiceContext, actor: RegulatorActor, bindingId: string) {
  const access = accessDetails(actor);
  const binding = await findBinding(ctx.db, bindingId);
  if (!binding) throw new NotFoundError('No such binding');
  await auditLookup(ctx, actor, access, 'binding', [binding.identity_id], { bindingId });
  const identity = await findIdentityById(ctx.db, binding.identity_id);
  const [described] = await describeBindings(ctx, [binding]);
  return { binding: described!, identities: identity ? [await describeIdentity(ctx, identity)] : [] };
}

/** An identity by its id (the console's identity page); audited like every lookup. */
export async function lookupByIdentity(ctx: ServiceContext, actor: RegulatorActor, identityId: string) {
  const access = accessDetails(actor);
  const identity = await findIdentityById(ctx.db, identityId);
  if (!identity) throw new NotFoundError('No such identity');
  await auditLookup(ctx, actor, access, 'identity', [identity.id]);
  return {
    identity: await describeIdentity(ctx, identity),
    bindings: await describeBindings(ctx, await listBindingsOfIdentity(ctx.db, identity.id)),
  };
}

// ---------------------------------------------------------------- actions

export type ActionTarget = { attestation: string } | { account: string } | { identity: string };

export interface ActionRequest {
  target: ActionTarget;
  reason: ReasonCode;
  legalReference: string;
}

export interface ActionResult {
  action: BindingTransition;
  target: ActionTarget;
  changed: { bindings: string[]; attestations: string[] };
  unchanged: { bindings: string[]; attestations: string[] };
  identityBlocked?: boolean;
  summary: string;
}

const RESULT_STATE: Record<BindingTransition, { binding: string; attestation: string }> = {
  suspend: { binding: 'suspended', attestation: 'suspended' },
  reinstate: { binding: 'active', attestation: 'valid' },
  revoke: { binding: 'revoked', attestation: 'invalid' },
};

function refuseReinstatingRevoked(action: BindingTransition, what: string) {
  if (action !== 'revoke')
    throw new RevocationFinalError(`${what} is revoked; a revocation cannot be undone`);
}

export async function applyRegulatorAction(
  ctx: ServiceContext,
  actor: RegulatorActor,
  action: BindingTransition,
  request: ActionRequest,
  /** The transaction to run in (an approval's), instead of one of its own. */
  within?: Kysely<Database>,
): Promise<ActionResult> {
  const access = accessDetails(actor);
  if (!REASON_CODES.includes(request.reason)) {
    throw new ValidationError(`reason must be one of ${REASON_CODES.join(', ')}`);
  }
  const params = {
    transition: action,
    reason: request.reason,
    actor: actorOf(actor),
    details: { legalReference: request.legalReference, ...access },
  };
  const result: ActionResult = {
    action,
    target: request.target,
    changed: { bindings: [], attestations: [] },
    unchanged: { bindings: [], attestations: [] },
    summary: '',
  };

  const work = async (trx: Kysely<Database>) => {
    const onBinding = async (binding: BindingRow) => {
      if (binding.status === RESULT_STATE[action].binding) {
        result.unchanged.bindings.push(binding.id);
        return;
      }
      if (binding.status === 'revoked') refuseReinstatingRevoked(action, `Binding ${binding.id}`);
      if (action === 'reinstate' && binding.status === 'active') {
        result.unchanged.bindings.push(binding.id);
        return;
      }
      await transitionBinding(ctx, trx, binding, params);
      result.changed.bindings.push(binding.id);
    };

    if ('attestation' in request.target) {
      const attestation = await findAttestation(trx, request.target.attestation);
      if (!attestation) throw new NotFoundError('No such attestation');
      const binding = (await findBinding(trx, attestation.binding_id))!;
      await onAttestation(ctx, trx, attestation, binding, action, params, result);
    } else if ('account' in request.target) {
      const account = ACCOUNT_NAMESPACES.parse(request.target.account).id;
      const bindings = await bindingsOfAccounts(trx, [account]);
      if (bindings.length === 0) throw new NotFoundError(`No binding of ${account}`);
      const live = bindings.find((b) => b.status !== 'revoked');
      if (live) await onBinding(live);
      else {
        refuseReinstatingRevoked(action, `Every binding of ${account}`);
        result.unchanged.bindings.push(...bindings.map((b) => b.id));
      }
    } else {
      const identity = await findIdentityById(trx, request.target.identity);
      if (!identity) throw new NotFoundError('No such identity');
      for (const binding of await listBindingsOfIdentity(trx, identity.id)) {
        if (binding.status === 'revoked') result.unchanged.bindings.push(binding.id);
        else await onBinding(binding);
      }
      if (action === 'revoke') {
        const blocked = await setLinkBlock(trx, identity.id, {
          at: ctx.clock.now().toISOString(),
          reason: request.reason,
        });
        result.identityBlocked = true;
        if (blocked) await auditLinkBlock(ctx, trx, actor, 'identity.link_blocked', identity.id, request);
      }
    }
  };
  await (within ? work(within) : ctx.units.run(work));
  const changed = result.changed.bindings.length + result.changed.attestations.length;
  result.summary =
    changed === 0
      ? `Nothing changed: the target is already ${RESULT_STATE[action].binding}`
      : `${action}: ${result.changed.bindings.length} binding(s), ${result.changed.attestations.length} single attestation(s) changed`;
  return result;
}

/** One row an action would change: a binding or a single attestation, from and to. */
export interface PlannedChange {
  kind: 'binding' | 'attestation';
  id: string;
  account: string;
  from: string;
  to: string;
}

export interface ActionPreview {
  changes: PlannedChange[];
  unchanged: { kind: 'binding' | 'attestation'; id: string; account: string; status: string }[];
  /** Revoking an identity also stops it linking accounts until the block is lifted. */
  blocksLinking: boolean;
}

/**
 * What `applyRegulatorAction` would change, read without changing anything (the console's
 * confirmation step). It follows the same rules; a revoked target that cannot be
 * reinstated or suspended is refused the same way.
 */
export async function previewRegulatorAction(
  ctx: ServiceContext,
  action: BindingTransition,
  target: ActionTarget,
): Promise<ActionPreview> {
  const preview: ActionPreview = { changes: [], unchanged: [], blocksLinking: false };
  const wanted = RESULT_STATE[action];
  const onBinding = (binding: BindingRow) => {
    const entry = { kind: 'binding' as const, id: binding.id, account: binding.account };
    if (binding.status === wanted.binding || (action === 'reinstate' && binding.status === 'active')) {
      preview.unchanged.push({ ...entry, status: binding.status });
      return;
    }
    if (binding.status === 'revoked') refuseReinstatingRevoked(action, `Binding ${binding.id}`);
    preview.changes.push({ ...entry, from: binding.status, to: wanted.binding });
  };
  if ('attestation' in target) {
    const attestation = await findAttestation(ctx.db, target.attestation);
    if (!attestation) throw new NotFoundError('No such attestation');
    const binding = (await findBinding(ctx.db, attestation.binding_id))!;
    const entry = { kind: 'attestation' as const, id: attestation.id, account: binding.account };
    if (
      attestation.status === wanted.attestation ||
      (action === 'reinstate' && attestation.status === 'valid')
    ) {
      preview.unchanged.push({ ...entry, status: attestation.status });
    } else {
      if (attestation.status === 'invalid') refuseReinstatingRevoked(action, `Attestation ${attestation.id}`);
      preview.changes.push({ ...entry, from: attestation.status, to: wanted.attestation });
    }
  } else if ('account' in target) {
    const account = ACCOUNT_NAMESPACES.parse(target.account).id;
    const bindings = await bindingsOfAccounts(ctx.db, [account]);
    if (bindings.length === 0) throw new NotFoundError(`No binding of ${account}`);
    const live = bindings.find((b) => b.status !== 'revoked');
    if (live) onBinding(live);
    else {
      refuseReinstatingRevoked(action, `Every binding of ${account}`);
      for (const b of bindings)
        preview.unchanged.push({ kind: 'binding', id: b.id, account: b.account, status: b.status });
    }
  } else {
    const identity = await findIdentityById(ctx.db, target.identity);
    if (!identity) throw new NotFoundError('No such identity');
    for (const binding of await listBindingsOfIdentity(ctx.db, identity.id)) {
      if (binding.status === 'revoked')
        preview.unchanged.push({
          kind: 'binding',
          id: binding.id,
          account: binding.account,
          status: 'revoked',
        });
      else onBinding(binding);
    }
    preview.blocksLinking = action === 'revoke' && !identity.link_blocked_at;
  }
  return preview;
}

/** What lifting an identity's link block would change: whether it is blocked now. */
export async function previewLinkBlockLift(ctx: ServiceContext, identityId: string) {
  const identity = await findIdentityById(ctx.db, identityId);
  if (!identity) throw new NotFoundError('No such identity');
  return { blocked: Boolean(identity.link_blocked_at) };
}

/** What resolving a conflict report would change: the holding binding it would revoke, if any. */
export async function previewConflictResolution(
  ctx: ServiceContext,
  id: string,
  resolution: 'revoke_existing' | 'dismiss',
) {
  const report = await findConflictReport(ctx.db, id);
  if (!report) throw new NotFoundError('No such conflict report');
  const changes: PlannedChange[] = [];
  if (report.status === 'open' && resolution === 'revoke_existing') {
    const binding = await findBinding(ctx.db, report.existing_binding_id);
    if (binding && binding.status !== 'revoked') {
      changes.push({
        kind: 'binding',
        id: binding.id,
        account: binding.account,
        from: binding.status,
        to: 'revoked',
      });
    }
  }
  return { account: report.account, open: report.status === 'open', changes };
}

async function onAttestation(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  attestation: AttestationRow,
  binding: BindingRow,
  action: BindingTransition,
  params: Parameters<typeof transitionAttestation>[4],
  result: ActionResult,
) {
  if (attestation.status === RESULT_STATE[action].attestation) {
    result.unchanged.attestations.push(attestation.id);
    return;
  }
  if (attestation.status === 'invalid') refuseReinstatingRevoked(action, `Attestation ${attestation.id}`);
  if (action === 'reinstate' && attestation.status === 'valid') {
    result.unchanged.attestations.push(attestation.id);
    return;
  }
  if (await transitionAttestation(ctx, trx, attestation, binding, params))
    result.changed.attestations.push(attestation.id);
  else result.unchanged.attestations.push(attestation.id);
}

function auditLinkBlock(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  actor: RegulatorActor,
  action: 'identity.link_blocked' | 'identity.link_block_lifted',
  identityId: string,
  p: { reason: ReasonCode; legalReference: string },
) {
  return appendAudit(
    trx,
    {
      actorType: ACTOR_TYPE,
      actorId: actor.id,
      action,
      subjectType: 'identity',
      subjectId: identityId,
      details: { reason: p.reason, legalReference: p.legalReference, ...accessDetails(actor) },
    },
    ctx.clock.now(),
  );
}

/** Lets a revoked identity link accounts again. */
export async function liftLinkBlock(
  ctx: ServiceContext,
  actor: RegulatorActor,
  p: { identity: string; reason: ReasonCode; legalReference: string },
  within?: Kysely<Database>,
): Promise<{ lifted: boolean }> {
  accessDetails(actor); // refused before anything is read
  const work = async (trx: Kysely<Database>) => {
    const identity = await findIdentityById(trx, p.identity);
    if (!identity) throw new NotFoundError('No such identity');
    const lifted = await setLinkBlock(trx, identity.id, null);
    if (lifted) await auditLinkBlock(ctx, trx, actor, 'identity.link_block_lifted', identity.id, p);
    return { lifted };
  };
  return within ? work(within) : ctx.units.run(work);
}

/** An officer's grant of the regulator role to a verified identity (audited as theirs). */
export async function grantRegulatorRole(
  ctx: ServiceContext,
  actor: RegulatorActor,
  identityId: string,
  within?: Kysely<Database>,
): Promise<{ identityId: string; changed: boolean }> {
  const access = accessDetails(actor);
  const work = async (trx: Kysely<Database>) => {
    const identity = await findIdentityById(trx, identityId);
    if (!identity) throw new NotFoundError('No such identity');
    const roles = new Set(identity.roles.split(' ').filter(Boolean));
    if (roles.has('regulator')) return { identityId, changed: false };
    roles.add('regulator');
    await setRoles(trx, identity.id, [...roles].join(' '));
    await appendAudit(
      trx,
      {
        actorType: ACTOR_TYPE,
        actorId: actor.id,
        action: 'identity.regulator_role_granted',
        subjectType: 'identity',
        subjectId: identity.id,
        details: access,
      },
      ctx.clock.now(),
    );
    return { identityId, changed: true };
  };
  return within ? work(within) : ctx.units.run(work);
}

/** The identity with this national ID (through its keyed hash), for a role grant's request. */
export async function identityByNationalId(ctx: ServiceContext, rawNationalId: string): Promise<string> {
  const nationalId = validateNationalId(ctx.config.country, rawNationalId);
  const identity = await findIdentityByNationalIdHash(
    ctx.db,
    await nationalIdLookupHash(ctx, ctx.config.country, nationalId),
  );
  if (!identity) {
    throw new NotFoundError(
      'No verified identity has this national ID: the officer must verify their identity (and register a passkey) first',
    );
  }
  return identity.id;
}

// ---------------------------------------------------------------- conflicts

function summariseConflict(row: Awaited<ReturnType<typeof listConflictReports>>[number]) {
  return {
    id: row.id,
    account: row.account,
    existingBindingId: row.existing_binding_id,
    claimantIdentityId: row.claimant_identity_id,
    method: row.method,
    status: row.status,
    createdAt: row.created_at,
    ...(row.resolved_at ? { resolvedAt: row.resolved_at } : {}),
    ...(row.resolution ? { resolution: row.resolution } : {}),
  };
}

export async function listConflicts(ctx: ServiceContext, status?: string) {
  return (await listConflictReports(ctx.db, status ? { status } : {})).map(summariseConflict);
}

/**
 * `revoke_existing` revokes the binding that holds the account (so the claimant can link
 * it); `dismiss` closes the report and leaves the binding alone.
 */
export async function resolveConflict(
  ctx: ServiceContext,
  actor: RegulatorActor,
  id: string,
  p: { resolution: 'revoke_existing' | 'dismiss'; reason: ReasonCode; legalReference: string },
) {
  const access = accessDetails(actor);
  return ctx.units.run(async (trx) => {
    const report = await findConflictReport(trx, id);
    if (!report) throw new NotFoundError('No such conflict report');
    if (report.status !== 'open') return { conflict: summariseConflict(report), changed: false };
    if (p.resolution === 'revoke_existing') {
      const binding = await findBinding(trx, report.existing_binding_id);
      if (binding && binding.status !== 'revoked') {
        await transitionBinding(ctx, trx, binding, {
          transition: 'revoke',
          reason: p.reason,
          actor: actorOf(actor),
          details: { legalReference: p.legalReference, conflictReportId: id, ...access },
        });
      }
    }
    const now = ctx.clock.now();
    const status = p.resolution === 'dismiss' ? 'dismissed' : 'resolved';
    await resolveConflictReport(trx, { id, status, resolution: p.resolution, at: now });
    await appendAudit(
      trx,
      {
        actorType: ACTOR_TYPE,
        actorId: actor.id,
        action: `conflict.${status}`,
        subjectType: 'conflict_report',
        subjectId: id,
        details: {
          resolution: p.resolution,
          reason: p.reason,
          legalReference: p.legalReference,
          ...access,
        },
      },
      now,
    );
    return {
      conflict: summariseConflict({
        ...report,
        status,
        resolution: p.resolution,
        resolved_at: now.toISOString(),
      }),
      changed: true,
    };
  });
}

// ---------------------------------------------------------------- query log and audit

export async function searchExchangeQueries(ctx: ServiceContext, filter: QueryLogFilter) {
  const rows = await searchQueryLog(ctx.db, filter);
  return rows.map((row) => ({
    id: row.id,
    clientId: row.client_id,
    kind: row.kind,
    account: row.account,
    result: row.result,
    at: row.at,
  }));
}

export async function readAuditLog(ctx: ServiceContext, p: { afterSeq?: number; limit: number }) {
  return listAudit(ctx.db, { ...(p.afterSeq !== undefined ? { afterSeq: p.afterSeq } : {}), limit: p.limit });
}

/**
 * The audit entries about any of `subjects` (an identity, its bindings and attestations),
 * newest first, at most `perSubject` each: the console's history of a person or a binding.
 */
export async function auditHistory(ctx: ServiceContext, subjects: string[], perSubject = 500) {
  const seen = new Map<number, Awaited<ReturnType<typeof listAudit>>[number]>();
  for (const subjectId of subjects) {
    for (const entry of await listAudit(ctx.db, { subjectId, limit: perSubject })) seen.set(entry.seq, entry);
  }
  return [...seen.values()].sort((a, b) => b.seq - a.seq);
}

// ---------------------------------------------------------------- officers (operator CLI)

/** Gives or takes the regulator role. The officer must have verified their identity once. */
export async function setRegulatorRole(ctx: ServiceContext, rawNationalId: string, grant: boolean) {
  const nationalId = validateNationalId(ctx.config.country, rawNationalId);
  const hash = await nationalIdLookupHash(ctx, ctx.config.country, nationalId);
  return ctx.units.run(async (trx) => {
    const identity = await findIdentityByNationalIdHash(trx, hash);
    if (!identity) {
      throw new NotFoundError(
        'No verified identity has this national ID: the officer must verify their identity (and register a passkey) first',
      );
    }
    const roles = new Set(identity.roles.split(' ').filter(Boolean));
    const had = roles.has('regulator');
    if (had === grant) return { identityId: identity.id, changed: false };
    if (grant) roles.add('regulator');
    else roles.delete('regulator');
    await setRoles(trx, identity.id, [...roles].join(' '));
    await appendAudit(
      trx,
      {
        actorType: 'operator',
        actorId: null,
        action: grant ? 'identity.regulator_role_granted' : 'identity.regulator_role_revoked',
        subjectType: 'identity',
        subjectId: identity.id,
        details: {},
      },
      ctx.clock.now(),
    );
    return { identityId: identity.id, changed: true };
  });
}

export interface Officer {
  identityId: string;
  givenName?: string;
  familyName?: string;
  verifiedAt: string;
  /** For the operator at the database (the CLI); the operator API leaves it out. */
  nationalId?: string;
}

/**
 * The identities holding the regulator role. The predicate is written as a literal, the
 * very one of the partial index `identities_officers` (migration 0016), so both databases
 * read the officers through it instead of scanning every identity.
 */
export async function listOfficers(ctx: ServiceContext): Promise<Officer[]> {
  const rows = await ctx.db
    .selectFrom('identities')
    .selectAll()
    .where(sql<boolean>`${sql.ref('roles')} like ${sql.lit('%regulator%')}`)
    .execute();
  return Promise.all(
    rows.map(async (row) => {
      const officer = await describeIdentity(ctx, row);
      return {
        identityId: officer.id,
        ...(officer.givenName ? { givenName: officer.givenName } : {}),
        ...(officer.familyName ? { familyName: officer.familyName } : {}),
        verifiedAt: officer.verifiedAt,
        nationalId: officer.nationalId,
      };
    }),
  );
}
