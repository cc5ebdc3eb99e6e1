// The people the dev IdP can sign in as. Their IINs are real-looking but fictitious: the
// check digit is computed here, so they pass the same validation a national IdP's would.
import { iinCheckDigit } from '../../domain/identity/nationalId.js';

export interface TestPerson {
  nationalId: string;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD, the date the IIN encodes. */
  birthDate: string;
}

/** YYMMDD + century/sex digit + serial, completed with its check digit. */
function iin(first11: string): string {
  const check = iinCheckDigit(first11);
  if (check === undefined) throw new Error(`No IIN check digit exists for ${first11}; pick another serial`);
  return `${first11}${check}`;
}

export const TEST_PERSONS: TestPerson[] = [
  // 7th digit: 3 = man born in the 1900s, 4 = woman born in the 1900s, 6 = woman born in the 2000s.
  { nationalId: iin('85031530001'), givenName: 'Yerlan', familyName: 'Abenov', birthDate: '1985-03-15' },
  { nationalId: iin('90041240002'), givenName: 'Aigerim', familyName: 'Sadykova', birthDate: '1990-04-12' },
  { nationalId: iin('78110230003'), givenName: 'Dmitry', familyName: 'Ivanov', birthDate: '1978-11-02' },
  { nationalId: iin('69072340004'), givenName: 'Svetlana', familyName: 'Petrova', birthDate: '1969-07-23' },
  { nationalId: iin('03090560005'), givenName: 'Aruzhan', familyName: 'Bekova', birthDate: '2003-09-05' },
];
