// Authorization codes, kept in memory. This IdP is for local development only: codes do
// not survive a restart and are not shared between instances, which is fine for one
// developer's machine and nowhere else.
import type { Clock } from '../../domain/clock.js';
import { randomBytes, toBase64Url } from '../../domain/encoding.js';
import type { TestPerson } from './testPersons.js';

export const CODE_LIFETIME_MS = 60_000;

export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  person: TestPerson;
  /** Seconds since the epoch: when the person was "authenticated". */
  authTime: number;
}

export interface CodeStore {
  issue(grant: CodeGrant): string;
  /** Single use: the code is gone after the first attempt, whatever its outcome. */
  redeem(code: string): CodeGrant | undefined;
}

export function createCodeStore(clock: Clock): CodeStore {
  const grants = new Map<string, CodeGrant & { expiresAt: number }>();

  const dropExpired = (now: number) => {
    for (const [code, grant] of grants) if (grant.expiresAt <= now) grants.delete(code);
  };

  return {
    issue(grant) {
      const now = clock.now().getTime();
      dropExpired(now); // keeps the map from growing with codes nobody redeemed
      const code = toBase64Url(randomBytes(32));
      grants.set(code, { ...grant, expiresAt: now + CODE_LIFETIME_MS });
      return code;
    },
    redeem(code) {
      const grant = grants.get(code);
      grants.delete(code);
      if (!grant || grant.expiresAt <= clock.now().getTime()) return undefined;
      const { expiresAt: _expiresAt, ...rest } = grant;
      return rest;
    },
  };
}
