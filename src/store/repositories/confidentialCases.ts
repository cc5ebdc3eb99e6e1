// Regulator cases kept confidential (confidential_cases), by case reference.
import type { Kysely } from 'kysely';
import type { CaseConfidentiality } from '../../domain/regulator/disclosure.js';
import type { ConfidentialCasesTable, Database } from '../database.js';

function fromRow(row: ConfidentialCasesTable): CaseConfidentiality {
  return {
    caseReference: row.case_reference,
    discloseAt: row.disclose_at,
    legalReferences: JSON.parse(row.legal_references) as string[],
  };
}

export async function findConfidentialCase(
  db: Kysely<Database>,
  caseReference: string,
): Promise<CaseConfidentiality | undefined> {
  const row = await db
    .selectFrom('confidential_cases')
    .selectAll()
    .where('case_reference', '=', caseReference)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** The cases among `references` still confidential at `now` (one primary-key probe each). */
export async function confidentialAmong(
  db: Kysely<Database>,
  references: readonly string[],
  now: Date,
): Promise<Set<string>> {
  if (references.length === 0) return new Set();
  const rows = await db
    .selectFrom('confidential_cases')
    .select('case_reference')
    .where('case_reference', 'in', [...new Set(references)])
    .where('disclose_at', '>', now.toISOString())
    .execute();
  return new Set(rows.map((row) => row.case_reference));
}

export async function saveConfidentialCase(
  db: Kysely<Database>,
  confidentiality: CaseConfidentiality,
  at: Date,
): Promise<void> {
  const row: ConfidentialCasesTable = {
    case_reference: confidentiality.caseReference,
    disclose_at: confidentiality.discloseAt,
    legal_references: JSON.stringify(confidentiality.legalReferences),
    updated_at: at.toISOString(),
  };
  await db
    .insertInto('confidential_cases')
    .values(row)
    .onConflict((oc) =>
      oc.column('case_reference').doUpdateSet({
        disclose_at: row.disclose_at,
        legal_references: row.legal_references,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}
