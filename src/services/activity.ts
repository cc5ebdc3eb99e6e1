// The citizen's view of official access (GET /v1/me/activity and the Activity page): every
// regulator lookup and action about them, with when, which authority and why, and the
// sequence number to ask an inclusion proof for; lookups under a confidential case only
// once its disclosure date has passed (a count of those withheld when the deployment
// allows it); and the exchanges' queries of their accounts while the accounts were theirs.
import type { AuditEntry } from '../domain/audit/auditChain.js';
import { exchangeQueriesOf } from '../store/repositories/activity.js';
import { listBindingsOfIdentity } from '../store/repositories/bindings.js';
import type { ServiceContext } from './context.js';
import { citizenView } from './disclosure.js';
import { identitiesNamedBy } from './logIntegrator.js';
import { entriesAbout } from './transparency.js';

/** Exchange queries shown per account, and in all (the newest). */
const QUERIES_PER_ACCOUNT = 50;
const QUERIES_SHOWN = 200;

export interface OfficialAccess {
  seq: number;
  at: string;
  action: string;
  /** Which kind of authority acted (the officer is not named). */
  authority: 'regulator';
  /** officer (in the console) or api-key (a regulator system). */
  via?: string;
  purpose?: string;
  /** What a lookup searched by: national_id, account, binding, identity. */
  by?: string;
  account?: string;
  reason?: string;
  legalReference?: string;
}

export interface ExchangeQuery {
  at: string;
  exchange: string;
  account: string;
  kind: string;
}

export interface Activity {
  official: OfficialAccess[];
  /** Present when the deployment lets citizens see how many entries are withheld. */
  withheld?: number;
  exchangeQueries: ExchangeQuery[];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function officialAccess(entry: AuditEntry): OfficialAccess {
  const d = entry.details;
  const fields = {
    via: text(d.via),
    purpose: text(d.purpose),
    by: text(d.by),
    account: text(d.account),
    reason: text(d.reason),
    legalReference: text(d.legalReference),
  };
  return {
    seq: entry.seq,
    at: entry.at,
    action: entry.action,
    authority: 'regulator',
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
  };
}

/** Named by the entry other than as its actor (the identities the subject index lists). */
function namesAsSubject(entry: AuditEntry, identityId: string): boolean {
  return identitiesNamedBy({ ...entry, actorId: null }).includes(identityId);
}

export async function activityOf(ctx: ServiceContext, identityId: string): Promise<Activity> {
  // An officer's own lookups of others are about the officer too (as actor): not shown here.
  const regulatorEntries = (await entriesAbout(ctx, identityId)).filter(
    (e) => e.actorType === 'regulator' && namesAsSubject(e, identityId),
  );
  const { entries, withheld } = await citizenView(ctx, regulatorEntries);
  const exchangeQueries: ExchangeQuery[] = [];
  for (const binding of await listBindingsOfIdentity(ctx.db, identityId)) {
    // Queries of the account before it was linked, or after it was unlinked or revoked,
    // were about someone else or no one.
    const window = {
      from: binding.created_at,
      ...(binding.status === 'revoked' ? { to: binding.status_changed_at } : {}),
    };
    for (const query of await exchangeQueriesOf(ctx.db, binding.account, window, QUERIES_PER_ACCOUNT)) {
      exchangeQueries.push({
        at: query.at,
        exchange: query.exchange,
        account: binding.account,
        kind: query.kind,
      });
    }
  }
  exchangeQueries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return {
    official: entries.map(officialAccess).reverse(),
    ...(ctx.config.disclosure.showWithheldCount ? { withheld } : {}),
    exchangeQueries: exchangeQueries.slice(0, QUERIES_SHOWN),
  };
}
