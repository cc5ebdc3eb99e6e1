// Authorization codes and access tokens: random opaque values standing for a grant until
// they expire. The port is asynchronous so that several instances can keep them in their
// shared database (services/devIdpGrants.ts, what the runtime wires in): a code issued
// by one instance redeems on another. The in-memory adapter here serves one process (the
// dev IdP's own suites).
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

export interface TokenStore<Grant> {
  issue(grant: Grant): Promise<string>;
  /** Single use: the value is gone after the first attempt, whatever its outcome. */
  redeem(value: string): Promise<Grant | undefined>;
  /** Reusable until it expires. */
  find(value: string): Promise<Grant | undefined>;
}

export type CodeStore = TokenStore<CodeGrant>;

/** The dev IdP's two stores. */
export interface DevIdpGrantStores {
  codes: CodeStore;
  accessTokens: TokenStore<AccessGrant>;
}

/** A fresh opaque value: 256 random bits. */
export function newGrantValue(): string {
  return toBase64Url(randomBytes(32));
}

export function createTokenStore<Grant>(clock: Clock, lifetimeMs: number): TokenStore<Grant> {
  const grants = new Map<string, { grant: Grant; expiresAt: number }>();

  const dropExpired = (now: number) => {
    for (const [value, entry] of grants) if (entry.expiresAt <= now) grants.delete(value);
  };
  const find = async (value: string) => {
    const entry = grants.get(value);
    return entry && entry.expiresAt > clock.now().getTime() ? entry.grant : undefined;
  };

  return {
    async issue(grant) {
      const now = clock.now().getTime();
      dropExpired(now); // keeps the map from growing with values nobody used
      const value = newGrantValue();
      grants.set(value, { grant, expiresAt: now + lifetimeMs });
      return value;
    },
    async redeem(value) {
      const grant = await find(value);
      grants.delete(value);
      return grant;
    },
    find,
  };
}

/** Both stores in this process's memory. */
export function memoryGrantStores(clock: Clock): DevIdpGrantStores {
  return {
    codes: createTokenStore<CodeGrant>(clock, CODE_LIFETIME_MS),
    accessTokens: createTokenStore<AccessGrant>(clock, ACCESS_TOKEN_LIFETIME_MS),
  };
}
