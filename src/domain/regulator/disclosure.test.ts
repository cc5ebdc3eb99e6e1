import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { confidentialityAfter, isWithheld } from './disclosure.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString();
const CASE = 'AFM-2026/00123';

describe('case confidentiality', () => {
  it('is set to a future date within the maximum, on a legal reference', () => {
    expect(
      confidentialityAfter(undefined, CASE, { discloseAt: days(30), legalReference: ' Order 1 ' }, NOW, 90),
    ).toEqual({ caseReference: CASE, discloseAt: days(30), legalReferences: ['Order 1'] });
    for (const discloseAt of [days(0), days(-1), days(91), 'soon', '2027-13-45T00:00:00Z']) {
      expect(() =>
        confidentialityAfter(undefined, CASE, { discloseAt, legalReference: 'Order 1' }, NOW, 90),
      ).toThrow(ValidationError);
    }
  });

  it('is extended only to a later date and on a new legal reference', () => {
    const current = { caseReference: CASE, discloseAt: days(30), legalReferences: ['Order 1'] };
    expect(() =>
      confidentialityAfter(current, CASE, { discloseAt: days(30), legalReference: 'Order 2' }, NOW, 90),
    ).toThrow(/later date/);
    expect(() =>
      confidentialityAfter(current, CASE, { discloseAt: days(60), legalReference: 'Order 1' }, NOW, 90),
    ).toThrow(/new legal reference/);
    expect(
      confidentialityAfter(current, CASE, { discloseAt: days(60), legalReference: 'Order 2' }, NOW, 90)
        .legalReferences,
    ).toEqual(['Order 1', 'Order 2']);
  });

  it('withholds until the disclosure date and not from it on', () => {
    const confidentiality = { caseReference: CASE, discloseAt: days(1), legalReferences: ['Order 1'] };
    expect(isWithheld(confidentiality, NOW)).toBe(true);
    expect(isWithheld(confidentiality, new Date(days(1)))).toBe(false);
    expect(isWithheld(undefined, NOW)).toBe(false);
  });
});
