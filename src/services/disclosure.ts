// What the people an official access concerns are shown of it, and when. A regulator's
// audit entries reach the citizen with the authority and purpose but not the officer or
// the case file (an officer is not exposed to the people they investigate; a case
// reference is the agency's business); lookups made under a case that is still
// confidential are withheld altogether until its disclosure date (AML law forbids tipping
// off). Regulators set and extend that date here, each change audited.
import type { AuditEntry } from '../domain/audit/auditChain.js';
import {
  type CaseConfidentiality,
  type ConfidentialityRequest,
  confidentialityAfter,
  isWithheld,
} from '../domain/regulator/disclosure.js';
import { appendAudit } from '../store/repositories/auditLog.js';
import {
  confidentialAmong,
  findConfidentialCase,
  saveConfidentialCase,
} from '../store/repositories/confidentialCases.js';
import type { ServiceContext } from './context.js';
import { accessDetails, type RegulatorActor } from './regulator.js';

/** The action of the audit entry each setting or extension of a case's confidentiality leaves. */
export const CONFIDENTIALITY_ACTION = 'regulator.case_confidentiality';

/**
 * Makes the actor's case (the one its request states) confidential until a date, or moves
 * that date later; the row and its audit entry commit together.
 */
export async function setCaseConfidentiality(
  ctx: ServiceContext,
  actor: RegulatorActor,
  request: ConfidentialityRequest,
): Promise<CaseConfidentiality & { extended: boolean }> {
  const access = accessDetails(actor);
  return ctx.units.run(async (trx) => {
    const now = ctx.clock.now();
    const current = await findConfidentialCase(trx, access.caseReference);
    const next = confidentialityAfter(
      current,
      access.caseReference,
      request,
      now,
      ctx.config.disclosure.maxConfidentialDays,
    );
    await saveConfidentialCase(trx, next, now);
    // About the case, not a person: the case is named in the details only (a subject ID
    // is indexed as an identity's), so the entry cannot reach the people the case
    // concerns before their lookups do.
    await appendAudit(
      trx,
      {
        actorType: 'regulator',
        actorId: actor.id,
        action: CONFIDENTIALITY_ACTION,
        subjectType: 'case',
        subjectId: null,
        details: {
          ...access,
          discloseAt: next.discloseAt,
          legalReference: next.legalReferences.at(-1)!,
          ...(current ? { previousDiscloseAt: current.discloseAt } : {}),
        },
      },
      now,
    );
    return { ...next, extended: current !== undefined };
  });
}

/** A case's confidentiality as it stands now: whether its lookups are withheld, and why. */
export async function caseConfidentiality(
  ctx: ServiceContext,
  caseReference: string,
): Promise<{ caseReference: string; confidential: boolean } & Partial<CaseConfidentiality>> {
  const found = await findConfidentialCase(ctx.db, caseReference);
  if (!found) return { caseReference, confidential: false };
  return { ...found, confidential: isWithheld(found, ctx.clock.now()) };
}

/** Fields of a regulator's entry that the citizen it concerns is not shown. */
const KEPT_FROM_CITIZENS = [
  'caseReference',
  'identityIds',
  // Four eyes: the other officer and the approver's case.
  'approvedBy',
  'requestedBy',
  'approverCaseReference',
] as const;

/** A regulator's entry as the citizen sees it: no officer, no case file, no other people. */
export function redactForCitizen(entry: AuditEntry): AuditEntry & { redacted?: string[] } {
  if (entry.actorType !== 'regulator') return entry;
  const details = { ...entry.details };
  const redacted = ['actorId'];
  for (const field of KEPT_FROM_CITIZENS) {
    if (field in details) {
      delete details[field];
      redacted.push(`details.${field}`);
    }
  }
  return { ...entry, actorId: null, details, redacted };
}

function withheldCase(entry: AuditEntry): string | undefined {
  const reference = entry.details.caseReference;
  return entry.actorType === 'regulator' &&
    entry.action === 'regulator.lookup' &&
    typeof reference === 'string'
    ? reference
    : undefined;
}

/**
 * The entries a citizen may see now, redacted, and how many are withheld: lookups under a
 * case that is confidential at this moment. One query for all the cases the entries name.
 */
export async function citizenView(
  ctx: ServiceContext,
  entries: readonly AuditEntry[],
): Promise<{ entries: (AuditEntry & { redacted?: string[] })[]; withheld: number }> {
  const references = entries.map(withheldCase).filter((r): r is string => r !== undefined);
  const confidential = await confidentialAmong(ctx.db, references, ctx.clock.now());
  const shown = entries.filter((entry) => {
    const reference = withheldCase(entry);
    return reference === undefined || !confidential.has(reference);
  });
  return { entries: shown.map(redactForCitizen), withheld: entries.length - shown.length };
}
