// The identity the signer's certificate names: national ID from subject serialNumber, and names.
import type * as pkijs from 'pkijs';
import { validateNationalId } from '../nationalId.js';
import { refusal } from './refusal.js';

const ATTRIBUTE = {
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  givenName: '2.5.4.42',
} as const;

/** Kazakh NCA certificates write the subject serialNumber as "IIN" + the 12-digit IIN. */
const IIN_SERIAL = /^IIN(\d{12})$/;

function attributeValues(subject: pkijs.RelativeDistinguishedNames, oid: string): string[] {
  return subject.typesAndValues
    .filter((attribute) => attribute.type === oid)
    .map((attribute) => (attribute.value.valueBlock as { value?: unknown }).value)
    .filter((value): value is string => typeof value === 'string');
}

function single(subject: pkijs.RelativeDistinguishedNames, oid: string): string | undefined {
  const values = attributeValues(subject, oid);
  const value = values.length === 1 ? values[0]!.trim() : undefined;
  return value || undefined;
}

/** Throws InvalidNationalIdError from the country's rule for a well-formed but invalid IIN. */
export function nationalIdFromSubject(certificate: pkijs.Certificate, country: string): string {
  // Exactly one serialNumber: two could name two people, and picking either would be a guess.
  const match = single(certificate.subject, ATTRIBUTE.serialNumber)?.match(IIN_SERIAL);
  if (!match) {
    throw refusal(
      'no-national-id',
      "The signer's certificate subject has no serialNumber of the form IIN + 12 digits",
    );
  }
  return validateNationalId(country, match[1]!);
}

export interface SubjectNames {
  givenName?: string;
  familyName?: string;
  patronymic?: string;
}

/**
 * Names as NCA RK certificates write them: SURNAME is the family name, CN is "SURNAME GIVEN"
 * and G (givenName by its OID) holds the patronymic, not the given name. The given name is
 * therefore what CN has after the family name. Without SURNAME, CN's first word is the family
 * name. Letters are kept as the certificate has them (Kazakh and Russian Cyrillic).
 */
export function namesFromSubject(certificate: pkijs.Certificate): SubjectNames {
  const surname = single(certificate.subject, ATTRIBUTE.surname);
  const patronymic = single(certificate.subject, ATTRIBUTE.givenName);
  const words = single(certificate.subject, ATTRIBUTE.commonName)?.split(/\s+/) ?? [];
  const familyName = surname ?? (words.length >= 2 ? words[0] : undefined);
  const familyWords = familyName?.split(/\s+/) ?? [];
  const startsWithFamily = familyWords.length > 0 && familyWords.every((word, i) => words[i] === word);
  const givenName = startsWithFamily ? words.slice(familyWords.length).join(' ') || undefined : undefined;
  return {
    ...(givenName && { givenName }),
    ...(familyName && { familyName }),
    ...(patronymic && { patronymic }),
  };
}
