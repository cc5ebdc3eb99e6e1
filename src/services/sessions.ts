// Server-side sessions: the cookie holds a random token, the database only its SHA-256.
// Two kinds: `enrollment` (right after an identity verification; may only register a
// passkey) and `full` (after a passkey sign-in or registration).

import type { Kysely } from 'kysely';
import { hashToken, newToken } from '../crypto/tokens.js';
import type { Database, SessionRow } from '../store/database.js';
import { appendAudit } from '../store/repositories/auditLog.js';
import { deleteSession, findSession, insertSession, touchSession } from '../store/repositories/sessions.js';
import type { ServiceContext } from './context.js';

export type SessionKind = 'enrollment' | 'full';

export interface Session {
  id: string;
  identityId: string;
  kind: SessionKind;
  createdAt: Date;
  expiresAt: Date;
  identityVerifiedAt: Date | null;
  passkeyVerifiedAt: Date | null;
}

export interface StartSessionParameters {
  identityId: string;
  kind: SessionKind;
  identityVerifiedAt?: Date | null;
  passkeyVerifiedAt?: Date | null;
}

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    identityId: row.identity_id,
    kind: row.kind as SessionKind,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    identityVerifiedAt: row.identity_verified_at ? new Date(row.identity_verified_at) : null,
    passkeyVerifiedAt: row.passkey_verified_at ? new Date(row.passkey_verified_at) : null,
  };
}

/** Inserts a session inside the caller's transaction and returns the token for the cookie. */
export async function startSession(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  p: StartSessionParameters,
): Promise<{ token: string; session: Session }> {
  const token = newToken(32);
  const now = ctx.clock.now();
  const lifetime =
    p.kind === 'enrollment' ? ctx.config.session.enrollmentSeconds : ctx.config.session.absoluteSeconds;
  const row: SessionRow = {
    id: await hashToken(token, ctx.digests),
    identity_id: p.identityId,
    kind: p.kind,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + lifetime * 1000).toISOString(),
    identity_verified_at: p.identityVerifiedAt?.toISOString() ?? null,
    passkey_verified_at: p.passkeyVerifiedAt?.toISOString() ?? null,
  };
  await insertSession(trx, row);
  await appendAudit(
    trx,
    {
      actorType: 'citizen',
      actorId: p.identityId,
      action: 'session.started',
      subjectType: 'identity',
      subjectId: p.identityId,
      details: { kind: p.kind },
    },
    now,
  );
  return { token, session: toSession(row) };
}

// Writing last_seen_at on every request would turn every read into a write; a minute of
// slack in the idle timeout is the price of not doing so.
const TOUCH_INTERVAL_MS = 60_000;

/** The live session for a cookie token, or undefined when unknown, idle too long or past its absolute end. */
export async function resolveSession(ctx: ServiceContext, token: string): Promise<Session | undefined> {
  const row = await findSession(ctx.db, await hashToken(token, ctx.digests));
  if (!row) return undefined;
  const now = ctx.clock.now();
  const lastSeen = new Date(row.last_seen_at).getTime();
  const idleLimit = lastSeen + ctx.config.session.idleSeconds * 1000;
  if (now.getTime() >= new Date(row.expires_at).getTime() || now.getTime() >= idleLimit) {
    await deleteSession(ctx.db, row.id);
    return undefined;
  }
  if (now.getTime() - lastSeen >= TOUCH_INTERVAL_MS) await touchSession(ctx.db, row.id, now);
  return toSession(row);
}

export async function endSession(ctx: ServiceContext, session: Session): Promise<void> {
  await ctx.units.run(async (trx) => {
    if (!(await deleteSession(trx, session.id))) return;
    await appendAudit(
      trx,
      {
        actorType: 'citizen',
        actorId: session.identityId,
        action: 'session.ended',
        subjectType: 'identity',
        subjectId: session.identityId,
        details: { kind: session.kind },
      },
      ctx.clock.now(),
    );
  });
}
