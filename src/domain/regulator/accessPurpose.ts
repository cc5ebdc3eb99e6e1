// Why an official reads or changes what the registry holds about a person: every
// regulator lookup and action names a purpose and the case it serves, both checked here
// and both written into the audit entry the access leaves. An access without them is
// refused before anything is read.
import { AccessPurposeRequiredError, ValidationError } from '../errors.js';

/** The grounds on which an official may look a person up or act on their attestations. */
export const PURPOSE_CODES = [
  'aml_investigation',
  'terrorist_financing',
  'sanctions_screening',
  'fraud_report',
  'court_request',
  'supervisory_review',
  'citizen_request',
] as const;
export type PurposeCode = (typeof PURPOSE_CODES)[number];

/** The purpose of an access and the reference of the case file it belongs to. */
export interface AccessContext {
  purpose: PurposeCode;
  caseReference: string;
}

// A case file's number as agencies write them (e.g. "AFM-2026/00123", "2-1234/26"):
// printable ASCII, so that it travels in an HTTP header unchanged.
const CASE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9 ./#:_-]{0,62}[A-Za-z0-9]$|^[A-Za-z0-9]$/;

export function isPurposeCode(value: unknown): value is PurposeCode {
  return typeof value === 'string' && (PURPOSE_CODES as readonly string[]).includes(value);
}

/**
 * The access context from its two raw values, or a refusal that says which one is missing
 * or wrong (`where` names them as the caller received them: headers, form fields).
 */
export function parseAccessContext(
  raw: { purpose?: string | undefined; caseReference?: string | undefined },
  where: { purpose: string; caseReference: string },
): AccessContext {
  const purpose = raw.purpose?.trim() ?? '';
  const caseReference = raw.caseReference?.trim() ?? '';
  const missing = [
    ...(purpose === '' ? [where.purpose] : []),
    ...(caseReference === '' ? [where.caseReference] : []),
  ];
  if (missing.length > 0) {
    throw new AccessPurposeRequiredError(
      `Every regulator lookup and action needs a purpose code and a case reference (missing: ${missing.join(', ')})`,
      { errors: missing.map((name) => ({ pointer: `/${name}` })), purposes: [...PURPOSE_CODES] },
    );
  }
  if (!isPurposeCode(purpose)) {
    throw new AccessPurposeRequiredError(`${where.purpose} must be one of ${PURPOSE_CODES.join(', ')}`, {
      errors: [{ pointer: `/${where.purpose}` }],
      purposes: [...PURPOSE_CODES],
    });
  }
  if (!CASE_REFERENCE.test(caseReference)) {
    throw new AccessPurposeRequiredError(
      `${where.caseReference} must be 1 to 64 letters, digits, spaces and . / # : _ -, starting and ending with a letter or digit`,
      { errors: [{ pointer: `/${where.caseReference}` }] },
    );
  }
  return { purpose, caseReference };
}

/** A case reference given on its own (e.g. a query parameter naming the case to read). */
export function parseCaseReference(raw: string | undefined, name = 'reference'): string {
  const reference = raw?.trim() ?? '';
  if (!CASE_REFERENCE.test(reference)) {
    throw new ValidationError(
      `${name} must be a case reference: 1 to 64 letters, digits, spaces and . / # : _ -, starting and ending with a letter or digit`,
      { errors: [{ pointer: `/${name}` }] },
    );
  }
  return reference;
}
