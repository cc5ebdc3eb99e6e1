// Rows that only expire: used-up or abandoned challenges, ended sessions, the dev IdP's
// codes and access tokens. Deleting them changes no state anyone relies on (an expired row
// is refused either way), so it is not audited; the runtime runs it now and then, off the
// request path.
import { purgeExpiredChallenges } from '../store/repositories/challenges.js';
import { purgeExpiredDevIdpGrants } from '../store/repositories/devIdpGrants.js';
import { purgeEgovSigningsExpiredBefore } from '../store/repositories/egovSignings.js';
import { purgeInterestBefore } from '../store/repositories/interest.js';
import { purgeExpiredSessions } from '../store/repositories/sessions.js';
import { purgeExpiredWalletChallenges } from '../store/repositories/walletChallenges.js';
import type { ServiceContext } from './context.js';
import { INTEREST_REFRESH_MS } from './interest.js';

/** Interest rows removed per statement, so one purge never holds the write lock for long. */
const INTEREST_PURGE_BATCH = 5000;
/** An expired eGov Mobile signing still answers "expired" to its page for this long. */
const EGOV_SIGNING_KEPT_MS = 3600_000;

export async function purgeExpired(ctx: ServiceContext) {
  const now = ctx.clock.now();
  const idleCutoff = new Date(now.getTime() - ctx.config.session.idleSeconds * 1000);
  return {
    challenges: await purgeExpiredChallenges(ctx.db, now),
    walletChallenges: await purgeExpiredWalletChallenges(ctx.db, now),
    sessions: await purgeExpiredSessions(ctx.db, idleCutoff, now),
    devIdpGrants: await purgeExpiredDevIdpGrants(ctx.db, now),
    interest: await purgeExpiredInterest(ctx, now),
    egovSignings: await purgeEgovSigningsExpiredBefore(
      ctx.db,
      new Date(now.getTime() - EGOV_SIGNING_KEPT_MS),
    ),
  };
}

/** Interest past the webhook window (and the refresh step) notifies nobody any more. */
async function purgeExpiredInterest(ctx: ServiceContext, now: Date): Promise<number> {
  const windowMs = ctx.config.exchange.webhookInterestDays * 86_400_000 + INTEREST_REFRESH_MS;
  const before = new Date(now.getTime() - windowMs);
  let removed = 0;
  for (;;) {
    const deleted = await purgeInterestBefore(ctx.db, before, INTEREST_PURGE_BATCH);
    removed += deleted;
    if (deleted < INTEREST_PURGE_BATCH) return removed;
  }
}
