// Match: an exchange checks whether an account belongs to the person with a national ID
// it already knows, without ever learning an ID from the service.
import { ACCOUNT_NAMESPACES } from '../domain/accounts/index.js';
import { RateLimitedError } from '../domain/errors.js';
import { constantTimeEqual } from '../domain/exchange/apiKeys.js';
import { validateNationalId } from '../domain/identity/nationalId.js';
import { bindingsOfAccounts, identitiesByIds } from '../store/repositories/lookups.js';
import type { ApiClient } from './apiClients.js';
import type { ServiceContext } from './context.js';
import { nationalIdLookupHash } from './identities.js';
import { governingBinding } from './lookups.js';

export type MatchAnswer = { match: false } | { match: true; status: 'active' | 'suspended' | 'revoked' };

/**
 * Does this account belong to the person with this national ID? `match` says whether the
 * ID is the holder's of the account's governing binding, whatever its status; `status`,
 * given only with a match, is that binding's status — so a revoked or suspended account is
 * visible as such to whoever already knows its holder's ID, and a wrong ID learns nothing.
 * Mismatches drain a per-client bucket; when it is empty every match call is refused until
 * it refills, which bounds how fast anyone can guess national IDs.
 */
export async function matchNationalId(
  ctx: ServiceContext,
  client: ApiClient,
  p: { account: string; nationalId: string },
): Promise<MatchAnswer> {
  const now = ctx.clock.now();
  const { perHour, burst } = ctx.config.exchange.matchMismatches;
  const rule = { perSecond: perHour / 3600, burst };
  const key = `match-mismatch:${client.id}`;
  const gate = await ctx.limiter.take(key, rule, 0, now);
  if (gate.remaining < 1) {
    const error = new RateLimitedError('Too many match calls did not match; wait before trying again');
    error.retryAfterSeconds = Math.max(1, Math.ceil(3600 / perHour));
    ctx.queryLog.record([
      { clientId: client.id, kind: 'match', account: p.account, result: 'throttled', at: now },
    ]);
    throw error;
  }
  const account = ACCOUNT_NAMESPACES.parse(p.account);
  const nationalId = validateNationalId(ctx.config.country, p.nationalId);
  const binding = governingBinding(await bindingsOfAccounts(ctx.db, [account.id]));
  let match = false;
  if (binding) {
    const [identity] = await identitiesByIds(ctx.db, [binding.identity_id]);
    const presented = await nationalIdLookupHash(ctx, ctx.config.country, nationalId);
    match = identity !== undefined && constantTimeEqual(presented, identity.national_id_hash);
  }
  if (!match) await ctx.limiter.take(key, rule, 1, now);
  ctx.queryLog.record([
    {
      clientId: client.id,
      kind: 'match',
      account: account.id,
      result: match ? 'match' : 'no_match',
      at: now,
    },
  ]);
  if (!match || !binding) return { match: false };
  return { match: true, status: binding.status as 'active' | 'suspended' | 'revoked' };
}
