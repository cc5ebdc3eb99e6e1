// Status-change notifications: when an account's status changes, one outbox row per
// active webhook of every exchange interested in the account is written in the same
// transaction as the change (services/webhooks.ts delivers them).
import type { Kysely } from 'kysely';
import { newId } from '../crypto/tokens.js';
import type { Database, WebhookDeliveryRow } from '../store/database.js';
import { clientsInterestedIn } from '../store/repositories/interest.js';
import { activeWebhooksOfClients, insertDeliveries } from '../store/repositories/webhooks.js';
import type { ServiceContext } from './context.js';
import { INTEREST_REFRESH_MS } from './interest.js';

export interface StatusChangeEvent {
  account: string;
  status: string;
  previousStatus: string;
  reason: string;
}

/**
 * Writes outbox rows for every active webhook of every client that looked the account up
 * within WEBHOOK_INTEREST_DAYS (the interest recorded before each lookup was answered, so
 * no lookup is missed however soon the change follows). Call inside the status change's
 * transaction.
 */
export async function enqueueStatusChange(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  event: StatusChangeEvent,
): Promise<number> {
  const now = ctx.clock.now();
  const windowMs = ctx.config.exchange.webhookInterestDays * 86_400_000 + INTEREST_REFRESH_MS;
  const since = new Date(now.getTime() - windowMs);
  const webhooks = await activeWebhooksOfClients(trx, await clientsInterestedIn(trx, event.account, since));
  const rows: WebhookDeliveryRow[] = webhooks.map((webhook) => {
    const id = newId();
    return {
      id,
      webhook_id: webhook.id,
      event_type: 'account.status_changed',
      payload: JSON.stringify({
        id,
        type: 'account.status_changed',
        occurredAt: now.toISOString(),
        data: event,
      }),
      status: 'pending',
      attempts: 0,
      next_attempt_at: now.toISOString(),
      locked_until: null,
      created_at: now.toISOString(),
      delivered_at: null,
      last_status_code: null,
      last_error: null,
    };
  });
  await insertDeliveries(trx, rows);
  return rows.length;
}
