// Synthetic citizens for `seed`: valid Kazakh IINs, names, accounts, how many accounts
// each person links and which bindings end up revoked or suspended. Everything that has
// to come out the same when a seed is resumed is a pure function of a position (the n-th
// identity, the n-th binding); only account addresses are random.
import { randomBytes } from 'node:crypto';
import { getAddress } from 'viem';
import type { AssuranceLevel, IdentitySourceKind } from '../../domain/identity/identitySource.js';
import { iinCheckDigit, kazakhstanIin } from '../../domain/identity/nationalId.js';

/** splitmix32: a well-mixed 32-bit hash of an integer (and a salt). */
export function mix(n: number, salt = 0): number {
  let z = (Math.imul(n ^ salt, 0x9e3779b9) + 0x7f4a7c15) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A number in [0, 1) derived from `n`. */
function unit(n: number, salt: number): number {
  return mix(n, salt) / 2 ** 32;
}

// Birth dates from 1945-01-01 for 60 years; with 5,000 serial pairs per day that is room
// for 109 million distinct IINs.
const FIRST_BIRTH_DAY = Date.UTC(1945, 0, 1);
const BIRTH_DAYS = 21_915;
const SERIALS_PER_DAY = 5_000;
export const MAX_IDENTITIES = BIRTH_DAYS * SERIALS_PER_DAY;

const MALE_GIVEN = [
  'Nurlan',
  'Yerlan',
  'Daniyar',
  'Arman',
  'Askar',
  'Timur',
  'Berik',
  'Almas',
  'Marat',
  'Ruslan',
];
const FEMALE_GIVEN = [
  'Aigerim',
  'Dana',
  'Aliya',
  'Gulnara',
  'Madina',
  'Saule',
  'Zhanar',
  'Aruzhan',
  'Asel',
  'Dinara',
];
const FAMILY_STEMS = ['Abenov', 'Nurlanov', 'Serikov', 'Tokayev', 'Zhakupov', 'Iskakov', 'Omarov', 'Bekov'];

export interface SyntheticPerson {
  nationalId: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  source: IdentitySourceKind;
  level: AssuranceLevel;
}

/**
 * The n-th synthetic citizen. Distinct n give distinct IINs: the birth day and the serial
 * pair are taken from n, the century digit from the year and sex. Of the two serials of a
 * pair at least one has a check digit (they differ in the digit weighted 11 in the first
 * pass, 2 in the second), and that one is used.
 */
export function syntheticPerson(n: number): SyntheticPerson {
  if (!Number.isSafeInteger(n) || n < 0 || n >= MAX_IDENTITIES) {
    throw new RangeError(`No synthetic IIN for identity ${n} (at most ${MAX_IDENTITIES})`);
  }
  const birth = new Date(FIRST_BIRTH_DAY + (n % BIRTH_DAYS) * 86_400_000);
  const year = birth.getUTCFullYear();
  const female = (mix(n, 1) & 1) === 1;
  const century = year < 2000 ? 3 : 5;
  const yymmdd = `${String(year % 100).padStart(2, '0')}${String(birth.getUTCMonth() + 1).padStart(2, '0')}${String(birth.getUTCDate()).padStart(2, '0')}`;
  const pair = Math.floor(n / BIRTH_DAYS);
  let nationalId: string | undefined;
  for (const last of [0, 1]) {
    const first11 = `${yymmdd}${century + (female ? 1 : 0)}${String(pair * 2 + last).padStart(4, '0')}`;
    const check = iinCheckDigit(first11);
    if (check !== undefined) {
      nationalId = `${first11}${check}`;
      break;
    }
  }
  // Cannot happen (see above); normalise() below would say so if it did.
  nationalId = kazakhstanIin.normalise(nationalId ?? '');
  const given = female ? FEMALE_GIVEN : MALE_GIVEN;
  const stem = FAMILY_STEMS[mix(n, 3) % FAMILY_STEMS.length]!;
  const highAssurance = unit(n, 4) < 0.2;
  return {
    nationalId,
    givenName: given[mix(n, 2) % given.length]!,
    familyName: female ? `${stem}a` : stem,
    birthDate: kazakhstanIin.birthDate!(nationalId)!,
    // Most citizens come through the national OpenID provider, some with their eID card.
    source: highAssurance ? 'x509' : 'oidc',
    level: highAssurance ? 'high' : 'substantial',
  };
}

/** How many accounts the n-th citizen links: 80 % one, 15 % two, 5 % three (1.25 on average). */
export function accountsOfPerson(n: number): number {
  const u = unit(n, 5);
  return u < 0.8 ? 1 : u < 0.95 ? 2 : 3;
}

/** A fresh random EOA address in EIP-55 form, as a CAIP-10 account on `chainId`. */
export function randomAccount(chainId: string): string {
  return `${chainId}:${getAddress(`0x${randomBytes(20).toString('hex')}`)}`;
}

export type PlannedStatus = 'active' | 'revoked' | 'suspended';

/** Statuses are decided per block of this many consecutive bindings. */
export const STATUS_BLOCK = 200;

/**
 * Which bindings end up revoked (1 %) or suspended (0.5 %): in every block of 200
 * consecutive bindings, 2 revoked and 1 suspended at positions drawn from the block's
 * number. A last, shorter block gets round(size / 100) and round(size / 200). The spread
 * is irregular like real revocations (a status list of them compresses as a real one
 * would), and any prefix of whole blocks has the exact shares.
 */
export class StatusPlan {
  #block = -1;
  #statuses = new Map<number, PlannedStatus>();

  constructor(readonly total: number) {}

  statusOf(bindingIndex: number): PlannedStatus {
    const block = Math.floor(bindingIndex / STATUS_BLOCK);
    if (block !== this.#block) this.#plan(block);
    return this.#statuses.get(bindingIndex % STATUS_BLOCK) ?? 'active';
  }

  #plan(block: number) {
    this.#block = block;
    this.#statuses.clear();
    const size = Math.max(0, Math.min(STATUS_BLOCK, this.total - block * STATUS_BLOCK));
    const positions = Array.from({ length: size }, (_, i) => i);
    // Fisher–Yates with the block's own hash stream.
    for (let i = size - 1; i > 0; i--) {
      const j = mix(block * STATUS_BLOCK + i, 6) % (i + 1);
      [positions[i], positions[j]] = [positions[j]!, positions[i]!];
    }
    const revoked = Math.round(size / 100);
    const suspended = Math.round(size / 200);
    for (const p of positions.slice(0, revoked)) this.#statuses.set(p, 'revoked');
    for (const p of positions.slice(revoked, revoked + suspended)) this.#statuses.set(p, 'suspended');
  }
}

/** Revocations: 60 % by the holder (unlinking), the rest by a regulator. Regulator reasons cycle. */
export function revocationBy(bindingIndex: number): 'holder' | 'regulator' {
  return unit(bindingIndex, 7) < 0.6 ? 'holder' : 'regulator';
}

const REGULATOR_REASONS = ['fraud', 'court_order', 'sanctions', 'identity_compromised'] as const;

export function regulatorReason(bindingIndex: number): (typeof REGULATOR_REASONS)[number] {
  return REGULATOR_REASONS[mix(bindingIndex, 8) % REGULATOR_REASONS.length]!;
}
