// Authorization codes and access tokens, kept in memory. This IdP is for local development
// only: they do not survive a restart and are not shared between instances, which is fine
// for one developer's machine and nowhere else.
import type { Clock } from '../../domain/clock.js';
import { randomBytes, toBase64Url } from '../../domain/encoding.js';
import type { TestPerson } from './testPersons.js';

export const CODE_LIFETIME_MS = 60_000;
export const ACCESS_TOKEN_LIFETIME_MS = 300_000;

export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  nonce?: string;
  person: TestPerson;
  /** Seconds since the epoch: when the person was "authenticated". */
  authTime: number;
}

/** What an access token lets its bearer read at the UserInfo endpoint. */
export interface AccessGrant {
  clientId: string;
  scope: string;
  person: TestPerson;
}

/** Random opaque values standing for a grant until they expire. */
export interface TokenStore<Grant> {
  issue(grant: Grant): string;
  /** Single use: the value is gone after the first attempt, whatever its outcome. */
  redeem(value: string): Grant | undefined;
  /** Reusable until it expires. */
  find(value: string): Grant | undefined;
}

export function createTokenStore<Grant>(clock: Clock, lifetimeMs: number): TokenStore<Grant> {
  const grants = new Map<string, { grant: Grant; expiresAt: number }>();

  const dropExpired = (now: number) => {
    for (const [value, entry] of grants) if (entry.expiresAt <= now) grants.delete(value);
  };
  const find = (value: string) => {
    const entry = grants.get(value);
    return entry && entry.expiresAt > clock.now().getTime() ? entry.grant : undefined;
  };

  return {
    issue(grant) {
      const now = clock.now().getTime();
      dropExpired(now); // keeps the map from growing with values nobody used
      const value = toBase64Url(randomBytes(32));
      grants.set(value, { grant, expiresAt: now + lifetimeMs });
      return value;
    },
    redeem(value) {
      const grant = find(value);
      grants.delete(value);
      return grant;
    },
    find,
  };
}

export type CodeStore = TokenStore<CodeGrant>;

export function createCodeStore(clock: Clock): CodeStore {
  return createTokenStore<CodeGrant>(clock, CODE_LIFETIME_MS);
}
