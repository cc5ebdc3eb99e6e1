// Reads for a citizen's view of who looked at them: the exchanges' queries of one of
// their accounts while it was theirs, newest first, through query_log_account (account, at).
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

export interface ExchangeQueryOfAccount {
  at: string;
  kind: string;
  clientId: string;
  exchange: string;
}

export function exchangeQueriesOf(
  db: Kysely<Database>,
  account: string,
  window: { from: string; to?: string },
  limit: number,
): Promise<ExchangeQueryOfAccount[]> {
  let query = db
    .selectFrom('query_log')
    .innerJoin('api_clients', 'api_clients.id', 'query_log.client_id')
    .select([
      'query_log.at as at',
      'query_log.kind as kind',
      'query_log.client_id as clientId',
      'api_clients.name as exchange',
    ])
    .where('query_log.account', '=', account)
    .where('query_log.at', '>=', window.from);
  if (window.to !== undefined) query = query.where('query_log.at', '<=', window.to);
  return query.orderBy('query_log.at', 'desc').limit(limit).execute();
}
