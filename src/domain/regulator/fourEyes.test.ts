import { describe, expect, it } from 'vitest';
import { ApprovalClosedError, ApprovalExpiredError, ForbiddenError, SelfApprovalError } from '../errors.js';
import { checkApproval, statusAt } from './fourEyes.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const pending = {
  requestedBy: 'officer-a',
  status: 'pending' as const,
  expiresAt: '2026-12-01T11:00:00.000Z',
};
const officerB = { id: 'officer-b', via: 'officer' as const };

describe('four eyes', () => {
  it('lets a second officer approve in time', () => {
    expect(() => checkApproval(pending, officerB, NOW)).not.toThrow();
  });

  it('refuses the requester, a key, a late approval and a second one', () => {
    expect(() => checkApproval(pending, { id: 'officer-a', via: 'officer' }, NOW)).toThrow(SelfApprovalError);
    expect(() => checkApproval(pending, { id: 'system', via: 'api-key' }, NOW)).toThrow(ForbiddenError);
    expect(() => checkApproval(pending, officerB, new Date(pending.expiresAt))).toThrow(ApprovalExpiredError);
    expect(() => checkApproval({ ...pending, status: 'approved' }, officerB, NOW)).toThrow(
      ApprovalClosedError,
    );
  });

  it('reads a pending action past its limit as expired', () => {
    expect(statusAt(pending, NOW)).toBe('pending');
    expect(statusAt(pending, new Date('2026-12-01T11:00:00.000Z'))).toBe('expired');
    expect(statusAt({ ...pending, status: 'approved' }, new Date('2027-01-01T00:00:00Z'))).toBe('approved');
  });
});
