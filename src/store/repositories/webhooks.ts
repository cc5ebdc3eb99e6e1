import { type Kysely, sql } from 'kysely';
import type { Database, WebhookAttemptRow, WebhookDeliveryRow, WebhookRow } from '../database.js';
import { leaseRow } from './leases.js';

export async function insertWebhook(db: Kysely<Database>, row: WebhookRow): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export function listWebhooksOfClient(db: Kysely<Database>, clientId: string): Promise<WebhookRow[]> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('status', '=', 'active')
    .orderBy('created_at', 'asc')
    .execute();
}

export function activeWebhooksOfClients(db: Kysely<Database>, clientIds: string[]): Promise<WebhookRow[]> {
  if (clientIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('webhooks')
    .innerJoin('api_clients', 'api_clients.id', 'webhooks.client_id')
    .selectAll('webhooks')
    .where('webhooks.client_id', 'in', clientIds)
    .where('webhooks.status', '=', 'active')
    .where('api_clients.status', '=', 'active')
    .execute();
}

export function findWebhook(db: Kysely<Database>, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deleteWebhookRow(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('webhooks')
    .set({ status: 'deleted' })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertDeliveries(db: Kysely<Database>, rows: WebhookDeliveryRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('webhook_deliveries').values(rows).execute();
}

export function listDeliveries(
  db: Kysely<Database>,
  webhookId: string,
  limit: number,
): Promise<WebhookDeliveryRow[]> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Candidates for delivery: the head of each receiver's queue (its oldest due pending
 * delivery), where that head is not leased by a live worker and the webhook is not in
 * `busyWebhookIds` (those this worker is sending to). A receiver whose head is leased is
 * busy somewhere, so it is skipped rather than given its next delivery: one request at a
 * time per webhook across every worker. Each head is found through the partial index
 * `webhook_deliveries_dispatch` (one index seek per webhook; the webhooks table is small),
 * so the cost does not grow with the outbox or with any receiver's backlog.
 */
export function dueDeliveries(
  db: Kysely<Database>,
  now: Date,
  limit: number,
  busyWebhookIds: readonly string[] = [],
): Promise<WebhookDeliveryRow[]> {
  const at = now.toISOString();
  return db
    .selectFrom('webhook_deliveries as d')
    .selectAll('d')
    .where('d.id', 'in', (eb) => {
      let receivers = eb
        .selectFrom('webhooks as w')
        .select((inner) =>
          inner
            .selectFrom('webhook_deliveries as head')
            .select('head.id')
            .whereRef('head.webhook_id', '=', 'w.id')
            .where('head.status', '=', sql.lit('pending'))
            .where('head.next_attempt_at', '<=', at)
            .orderBy('head.next_attempt_at', 'asc')
            .limit(1)
            .as('head_id'),
        );
      if (busyWebhookIds.length > 0) receivers = receivers.where('w.id', 'not in', busyWebhookIds);
      return receivers;
    })
    .where((eb) => eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<=', at)]))
    .orderBy('d.next_attempt_at', 'asc')
    .limit(limit)
    .execute();
}

/** Takes a lease on a delivery; false when another worker holds it. */
export function leaseDelivery(db: Kysely<Database>, id: string, now: Date, until: Date): Promise<boolean> {
  return leaseRow(db, 'webhook_deliveries', id, now, until);
}

export async function recordAttempt(
  db: Kysely<Database>,
  attempt: WebhookAttemptRow,
  outcome: Partial<Pick<WebhookDeliveryRow, 'status' | 'next_attempt_at' | 'delivered_at'>> & {
    attempts: number;
    last_status_code: number | null;
    last_error: string | null;
  },
): Promise<void> {
  await db.insertInto('webhook_attempts').values(attempt).execute();
  await db
    .updateTable('webhook_deliveries')
    .set({ ...outcome, locked_until: null })
    .where('id', '=', attempt.delivery_id)
    .execute();
}

export function listAttempts(db: Kysely<Database>, deliveryIds: string[]): Promise<WebhookAttemptRow[]> {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('attempt', 'asc')
    .execute();
}
