import { describe, expect, it } from 'vitest';
import { InvalidNationalIdError, UnsupportedCountryError } from '../errors.js';
import { iinCheckDigit, kazakhstanIin, validateNationalId } from './nationalId.js';

describe('Kazakhstan IIN', () => {
  it('accepts an IIN whose check digit comes from the first weights', () => {
    // 9·1+0·2+0·3+1·4+0·5+1·6+3·7+0·8+0·9+0·10+0·11 = 40; 40 mod 11 = 7
    expect(validateNationalId('KZ', '900101300007')).toBe('900101300007');
    expect(kazakhstanIin.birthDate!('900101300007')).toBe('1990-01-01');
  });

  it('uses the second weights when the first sum is 10', () => {
    // first weights: 131 mod 11 = 10; second weights 3..11,1,2: 78 mod 11 = 1
    expect(validateNationalId('KZ', '900101300811')).toBe('900101300811');
    expect(() => validateNationalId('KZ', '900101300810')).toThrow(InvalidNationalIdError);
  });

  it('refuses an 11-digit prefix for which both sums are 10', () => {
    expect(iinCheckDigit('90010130080')).toBeUndefined();
    for (let digit = 0; digit <= 9; digit++) {
      expect(() => validateNationalId('KZ', `90010130080${digit}`)).toThrow(/check digit/);
    }
  });

  it('refuses a bad checksum', () => {
    expect(() => validateNationalId('KZ', '900101300008')).toThrow(/check digit/);
  });

  it('refuses impossible dates and reads the century digit', () => {
    expect(() =>
      validateNationalId('KZ', `${'000230300001'.slice(0, 11)}${iinCheckDigit('00023030000') ?? 0}`),
    ).toThrow(/birth date/);
    // 29 February exists in 2000 (century digit 5) but not in 1900 (century digit 3)
    const leap2000 = `0002295000${'1'}`;
    expect(validateNationalId('KZ', `${leap2000}${iinCheckDigit(leap2000)}`)).toMatch(/^000229/);
    expect(kazakhstanIin.birthDate!(`${leap2000}${iinCheckDigit(leap2000)}`)).toBe('2000-02-29');
    const leap1900 = '00022930001';
    expect(() => validateNationalId('KZ', `${leap1900}${iinCheckDigit(leap1900)}`)).toThrow(/birth date/);
    expect(() => validateNationalId('KZ', '901301300007')).toThrow(/birth date/);
  });

  it('refuses century digits outside 1–6', () => {
    const prefix = '90010170000';
    expect(() => validateNationalId('KZ', `${prefix}${iinCheckDigit(prefix) ?? 0}`)).toThrow(/7th digit/);
    const zero = '90010100000';
    expect(() => validateNationalId('KZ', `${zero}${iinCheckDigit(zero) ?? 0}`)).toThrow(/7th digit/);
  });

  it.each(['', '90010130000', '9001013000071', '90010130000a', '9001 1300007', '٩٠٠١٠١٣٠٠٠٠٧'])(
    'refuses wrong length or characters: %j',
    (value) => {
      expect(() => validateNationalId('KZ', value)).toThrow(/exactly 12 digits/);
    },
  );

  it('refuses countries without a rule', () => {
    expect(() => validateNationalId('XX', '900101300007')).toThrow(UnsupportedCountryError);
  });
});
