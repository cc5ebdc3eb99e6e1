// Rows that only expire: used-up or abandoned challenges and ended sessions. Deleting them
// changes no state anyone relies on (an expired row is refused either way), so it is not
// audited; the runtime runs it now and then, off the request path.
import { purgeExpiredChallenges } from '../store/repositories/challenges.js';
import { purgeExpiredSessions } from '../store/repositories/sessions.js';
import { purgeExpiredWalletChallenges } from '../store/repositories/walletChallenges.js';
import type { ServiceContext } from './context.js';

export async function purgeExpired(ctx: ServiceContext) {
  const now = ctx.clock.now();
  const idleCutoff = new Date(now.getTime() - ctx.config.session.idleSeconds * 1000);
  return {
    challenges: await purgeExpiredChallenges(ctx.db, now),
    walletChallenges: await purgeExpiredWalletChallenges(ctx.db, now),
    sessions: await purgeExpiredSessions(ctx.db, idleCutoff, now),
  };
}
