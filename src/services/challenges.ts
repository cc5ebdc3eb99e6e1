// Single-use, expiring challenges bound to whoever asked (a session or a pre-sign-in flow
// cookie). Only digests are stored: a database reader cannot answer a challenge.

import { hashToken, newToken } from '../crypto/tokens.js';
import { ChallengeInvalidError } from '../domain/errors.js';
import { insertChallenge, takeChallenge } from '../store/repositories/challenges.js';
import type { ServiceContext } from './context.js';

export type ChallengePurpose = 'oidc' | 'x509' | 'webauthn.registration' | 'webauthn.authentication';

export interface IssueChallengeParameters {
  purpose: ChallengePurpose;
  /** Opaque: a session ID or a flow-cookie value. */
  binding: string;
  /** Use this value instead of a fresh random one (WebAuthn makes its own). */
  value?: string;
  payload?: string;
  ttlSeconds?: number;
}

export async function issueChallenge(ctx: ServiceContext, p: IssueChallengeParameters) {
  const value = p.value ?? newToken(32);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + (p.ttlSeconds ?? ctx.config.challengeSeconds) * 1000);
  await insertChallenge(ctx.db, {
    id: await hashToken(value, ctx.digests),
    purpose: p.purpose,
    binding: await hashToken(p.binding, ctx.digests),
    payload: p.payload ?? '',
    expiresAt,
    createdAt: now,
  });
  return { value, expiresAt };
}

/** Returns the challenge's payload and destroys it; throws when unknown, used, expired or bound elsewhere. */
export async function consumeChallenge(
  ctx: ServiceContext,
  p: { purpose: ChallengePurpose; binding: string; value: string },
): Promise<string> {
  const row = await takeChallenge(
    ctx.db,
    {
      id: await hashToken(p.value, ctx.digests),
      purpose: p.purpose,
      binding: await hashToken(p.binding, ctx.digests),
    },
    ctx.clock.now(),
  );
  if (!row) throw new ChallengeInvalidError();
  return row.payload;
}
