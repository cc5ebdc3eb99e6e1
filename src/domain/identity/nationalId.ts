// National ID rules, one per country. The service stores and compares national IDs
// only in their normalised form, so every source must pass through `validateNationalId`.
import { InvalidNationalIdError, UnsupportedCountryError } from '../errors.js';

export interface NationalIdRule {
  /** ISO 3166-1 alpha-2 country code. */
  readonly country: string;
  /** Returns the normalised national ID, or throws InvalidNationalIdError explaining why. */
  normalise(raw: string): string;
  /** Birth date the ID encodes (YYYY-MM-DD), when the scheme encodes one. */
  birthDate?(normalised: string): string | undefined;
}

const FIRST_WEIGHTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
const SECOND_WEIGHTS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2] as const;

function weightedSum(digits: readonly number[], weights: readonly number[]): number {
  return weights.reduce((sum, weight, i) => sum + weight * (digits[i] ?? 0), 0) % 11;
}

/** The century a Kazakh IIN's 7th digit encodes: 1–2 → 1800s, 3–4 → 1900s, 5–6 → 2000s. */
function centuryOf(centuryDigit: number): number {
  return 1800 + Math.floor((centuryDigit - 1) / 2) * 100;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Kazakhstan's individual identification number (IIN): YYMMDD, a century/sex digit 1–6,
 * a 4-digit serial and a check digit (weights 1..11, then 3..11,1,2 when the first sum is 10).
 */
export const kazakhstanIin: NationalIdRule = {
  country: 'KZ',
  normalise(raw: string): string {
    const value = raw.trim();
    if (!/^\d{12}$/.test(value)) {
      throw new InvalidNationalIdError('An IIN is exactly 12 digits');
    }
    const digits = [...value].map(Number);
    const centuryDigit = digits[6]!;
    if (centuryDigit < 1 || centuryDigit > 6) {
      throw new InvalidNationalIdError('The 7th digit of an IIN (century and sex) must be 1 to 6');
    }
    if (!kazakhstanIin.birthDate!(value)) {
      throw new InvalidNationalIdError('The IIN does not encode a real birth date');
    }
    let check = weightedSum(digits, FIRST_WEIGHTS);
    if (check === 10) check = weightedSum(digits, SECOND_WEIGHTS);
    if (check === 10 || check !== digits[11]) {
      throw new InvalidNationalIdError('The IIN check digit does not match');
    }
    return value;
  },
  birthDate(value: string): string | undefined {
    const year = centuryOf(Number(value[6])) + Number(value.slice(0, 2));
    const month = Number(value.slice(2, 4));
    const day = Number(value.slice(4, 6));
    if (!isRealDate(year, month, day)) return undefined;
    return `${year}-${value.slice(2, 4)}-${value.slice(4, 6)}`;
  },
};

/** Computes the check digit for the first 11 digits of an IIN, or undefined when none exists. */
export function iinCheckDigit(first11: string): number | undefined {
  const digits = [...first11].map(Number);
  let check = weightedSum(digits, FIRST_WEIGHTS);
  if (check === 10) check = weightedSum(digits, SECOND_WEIGHTS);
  return check === 10 ? undefined : check;
}

export const NATIONAL_ID_RULES: ReadonlyMap<string, NationalIdRule> = new Map([
  [kazakhstanIin.country, kazakhstanIin],
]);

export function nationalIdRuleFor(country: string): NationalIdRule {
  const rule = NATIONAL_ID_RULES.get(country.toUpperCase());
  if (!rule) throw new UnsupportedCountryError(`No national ID rule for country "${country}"`);
  return rule;
}

export function validateNationalId(country: string, raw: string): string {
  return nationalIdRuleFor(country).normalise(raw);
}
