// When a citizen learns of an official's look at them. Every regulator lookup about a
// person is shown to that person, except while the case it was made under is confidential:
// AML law forbids tipping off the subject of an open investigation. A case is made
// confidential until a disclosure date, on a legal reference, for at most the configured
// maximum from the day it is set; the date can only be moved later, each time on a legal
// reference not used for this case before (every change is an audit entry of its own).
// After the date the withheld lookups are shown as if they had never been withheld.
import { ValidationError } from '../errors.js';

/** The confidentiality of one case as it stands. */
export interface CaseConfidentiality {
  caseReference: string;
  /** ISO time from which the case's lookups are shown to the people they concern. */
  discloseAt: string;
  /** Every legal reference the case's confidentiality was set or extended on, oldest first. */
  legalReferences: string[];
}

export interface ConfidentialityRequest {
  discloseAt: string;
  legalReference: string;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The case's confidentiality after a request to set or extend it, or a refusal naming the
 * rule broken: a date in the future, within `maxDays` of now, later than the current one,
 * on a legal reference not used before for this case.
 */
export function confidentialityAfter(
  current: CaseConfidentiality | undefined,
  caseReference: string,
  request: ConfidentialityRequest,
  now: Date,
  maxDays: number,
): CaseConfidentiality {
  const until = Date.parse(request.discloseAt);
  const pointer = { errors: [{ pointer: '/discloseAt' }] };
  if (!/^\d{4}-\d{2}-\d{2}T/.test(request.discloseAt) || Number.isNaN(until)) {
    throw new ValidationError('discloseAt must be an ISO 8601 date and time', pointer);
  }
  if (until <= now.getTime()) throw new ValidationError('discloseAt must be in the future', pointer);
  const latest = new Date(now.getTime() + maxDays * DAY_MS);
  if (until > latest.getTime()) {
    throw new ValidationError(
      `A case may be kept confidential for at most ${maxDays} days from now (until ${latest.toISOString()})`,
      { ...pointer, maxDays },
    );
  }
  const legalReference = request.legalReference.trim();
  if (current) {
    if (until <= Date.parse(current.discloseAt)) {
      throw new ValidationError(
        `The case is confidential until ${current.discloseAt}; an extension must name a later date`,
        { ...pointer, discloseAt: current.discloseAt },
      );
    }
    if (current.legalReferences.includes(legalReference)) {
      throw new ValidationError('An extension needs a new legal reference, not one this case already used', {
        errors: [{ pointer: '/legalReference' }],
      });
    }
  }
  return {
    caseReference,
    discloseAt: new Date(until).toISOString(),
    legalReferences: [...(current?.legalReferences ?? []), legalReference],
  };
}

/** Whether an entry made under a case is kept from the person it concerns at `now`. */
export function isWithheld(confidentiality: CaseConfidentiality | undefined, now: Date): boolean {
  return confidentiality !== undefined && Date.parse(confidentiality.discloseAt) > now.getTime();
}
