// Webhooks: an exchange registers URLs; when the status of an account it looked up
// recently changes, a delivery row is written to the outbox in the same transaction as
// the change. A worker sends due deliveries, signed, and retries failures with
// exponential backoff until they are WEBHOOK_RETRY_HOURS old. Delivery is at least once:
// receivers deduplicate by the delivery ID.

import { newId, newToken } from '../crypto/tokens.js';
import { InvalidWebhookUrlError, NotFoundError } from '../domain/errors.js';
import { SIGNATURE_HEADER, signWebhook } from '../domain/exchange/webhookSignature.js';
import type { WebhookRow } from '../store/database.js';
import { appendAudit } from '../store/repositories/auditLog.js';
import {
  deleteWebhookRow,
  dueDeliveries,
  findWebhook,
  insertWebhook,
  leaseDelivery,
  listAttempts,
  listDeliveries,
  listWebhooksOfClient,
  recordAttempt,
} from '../store/repositories/webhooks.js';
import { inTransaction } from '../store/transaction.js';
import type { ApiClient } from './apiClients.js';
import type { ServiceContext } from './context.js';

const SECRET_PURPOSE = 'exchange.webhook_secret';

export interface WebhookSummary {
  id: string;
  url: string;
  description: string;
  createdAt: string;
}

function summarise(row: WebhookRow): WebhookSummary {
  return { id: row.id, url: row.url, description: row.description, createdAt: row.created_at };
}

const PRIVATE_HOST =
  /^(localhost|.*\.localhost|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|0\.0\.0\.0|\[::1?\]|\[f[cd][0-9a-f]*:.*\]|\[fe80:.*\])$/i;

/** https in production, to a public host; plain http and local hosts only in development. */
export function checkWebhookUrl(ctx: ServiceContext, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidWebhookUrlError('The URL is not an absolute URL');
  }
  if (url.username || url.password) throw new InvalidWebhookUrlError('The URL must not carry credentials');
  if (url.hash) throw new InvalidWebhookUrlError('The URL must not have a fragment');
  if (ctx.config.production) {
    if (url.protocol !== 'https:') throw new InvalidWebhookUrlError('Webhook URLs must use https');
    if (PRIVATE_HOST.test(url.hostname)) {
      throw new InvalidWebhookUrlError('Webhook URLs must point to a public host');
    }
  } else if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidWebhookUrlError('Webhook URLs must use https (or http in development)');
  }
  return url.toString();
}

export async function createWebhook(
  ctx: ServiceContext,
  client: ApiClient,
  p: { url: string; description?: string },
): Promise<{ webhook: WebhookSummary; secret: string }> {
  const url = checkWebhookUrl(ctx, p.url);
  const secret = `whsec_${newToken(32)}`;
  const now = ctx.clock.now();
  const row: WebhookRow = {
    id: newId(),
    client_id: client.id,
    url,
    description: p.description ?? '',
    secret_ciphertext: await ctx.protector.encrypt(secret, SECRET_PURPOSE),
    status: 'active',
    created_at: now.toISOString(),
  };
  await inTransaction(ctx.db, async (trx) => {
    await insertWebhook(trx, row);
    await appendAudit(
      trx,
      {
        actorType: 'exchange',
        actorId: client.id,
        action: 'webhook.created',
        subjectType: 'webhook',
        subjectId: row.id,
        details: { url },
      },
      now,
    );
  });
  return { webhook: summarise(row), secret };
}

async function ownWebhook(ctx: ServiceContext, client: ApiClient, id: string): Promise<WebhookRow> {
  const row = await findWebhook(ctx.db, id);
  // Another client's webhook is reported as absent.
  if (!row || row.client_id !== client.id || row.status !== 'active')
    throw new NotFoundError('No such webhook');
  return row;
}

export async function listWebhooks(ctx: ServiceContext, client: ApiClient): Promise<WebhookSummary[]> {
  return (await listWebhooksOfClient(ctx.db, client.id)).map(summarise);
}

export async function getWebhook(
  ctx: ServiceContext,
  client: ApiClient,
  id: string,
): Promise<WebhookSummary> {
  return summarise(await ownWebhook(ctx, client, id));
}

export async function deleteWebhook(ctx: ServiceContext, client: ApiClient, id: string): Promise<void> {
  await ownWebhook(ctx, client, id);
  const now = ctx.clock.now();
  await inTransaction(ctx.db, async (trx) => {
    if (!(await deleteWebhookRow(trx, id))) throw new NotFoundError('No such webhook');
    await appendAudit(
      trx,
      {
        actorType: 'exchange',
        actorId: client.id,
        action: 'webhook.deleted',
        subjectType: 'webhook',
        subjectId: id,
        details: {},
      },
      now,
    );
  });
}

export interface DeliverySummary {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  createdAt: string;
  nextAttemptAt?: string;
  deliveredAt?: string;
  lastStatusCode?: number;
  lastError?: string;
  log: { attempt: number; at: string; statusCode?: number; error?: string; durationMs: number }[];
}

export async function webhookDeliveryLog(
  ctx: ServiceContext,
  client: ApiClient,
  id: string,
  limit = 100,
): Promise<DeliverySummary[]> {
  await ownWebhook(ctx, client, id);
  const deliveries = await listDeliveries(ctx.db, id, limit);
  const attempts = await listAttempts(
    ctx.db,
    deliveries.map((d) => d.id),
  );
  return deliveries.map((d) => ({
    id: d.id,
    eventType: d.event_type,
    status: d.status,
    attempts: Number(d.attempts),
    createdAt: d.created_at,
    ...(d.status === 'pending' ? { nextAttemptAt: d.next_attempt_at } : {}),
    ...(d.delivered_at ? { deliveredAt: d.delivered_at } : {}),
    ...(d.last_status_code !== null ? { lastStatusCode: Number(d.last_status_code) } : {}),
    ...(d.last_error ? { lastError: d.last_error } : {}),
    log: attempts
      .filter((a) => a.delivery_id === d.id)
      .map((a) => ({
        attempt: Number(a.attempt),
        at: a.at,
        ...(a.status_code !== null ? { statusCode: Number(a.status_code) } : {}),
        ...(a.error ? { error: a.error } : {}),
        durationMs: Number(a.duration_ms),
      })),
  }));
}

/** Backoff after the n-th failed attempt: 10 s, 20 s, 40 s … capped at one hour. */
export function retryDelaySeconds(failedAttempts: number): number {
  return Math.min(3600, 10 * 2 ** Math.max(0, failedAttempts - 1));
}

export interface DeliveryRunResult {
  attempted: number;
  delivered: number;
  failed: number;
  gaveUp: number;
}

/** Sends due deliveries once. The runtime calls it on a timer; several workers may run. */
export async function deliverDueWebhooks(
  ctx: ServiceContext,
  send: typeof fetch,
  limit = 20,
): Promise<DeliveryRunResult> {
  const result: DeliveryRunResult = { attempted: 0, delivered: 0, failed: 0, gaveUp: 0 };
  const timeoutMs = ctx.config.exchange.webhookTimeoutSeconds * 1000;
  for (const delivery of await dueDeliveries(ctx.db, ctx.clock.now(), limit)) {
    const start = ctx.clock.now();
    // The lease outlives the request timeout, so no other worker sends it meanwhile.
    if (!(await leaseDelivery(ctx.db, delivery.id, start, new Date(start.getTime() + timeoutMs + 30_000))))
      continue;
    const webhook = await findWebhook(ctx.db, delivery.webhook_id);
    result.attempted++;
    let statusCode: number | null = null;
    let error: string | null = null;
    if (webhook?.status !== 'active') {
      error = 'webhook deleted';
    } else {
      const secret = await ctx.protector.decrypt(webhook.secret_ciphertext, SECRET_PURPOSE);
      const timestamp = Math.floor(start.getTime() / 1000);
      try {
        const response = await send(webhook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'wallet-attest-webhooks/1',
            'webhook-id': delivery.id,
            [SIGNATURE_HEADER]: await signWebhook(secret, timestamp, delivery.payload),
          },
          body: delivery.payload,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        statusCode = response.status;
        await response.body?.cancel();
      } catch (caught) {
        error = caught instanceof Error ? `${caught.name}: ${caught.message}` : 'request failed';
      }
    }
    const end = ctx.clock.now();
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const attempts = Number(delivery.attempts) + 1;
    const ageHours = (end.getTime() - new Date(delivery.created_at).getTime()) / 3_600_000;
    const giveUp = !ok && (ageHours >= ctx.config.exchange.webhookRetryHours || error === 'webhook deleted');
    await inTransaction(ctx.db, (trx) =>
      recordAttempt(
        trx,
        {
          id: newId(),
          delivery_id: delivery.id,
          attempt: attempts,
          at: start.toISOString(),
          status_code: statusCode,
          error: error ?? (ok ? null : `HTTP ${statusCode}`),
          duration_ms: Math.max(0, end.getTime() - start.getTime()),
        },
        {
          attempts,
          last_status_code: statusCode,
          last_error: ok ? null : (error ?? `HTTP ${statusCode}`),
          ...(ok
            ? { status: 'delivered', delivered_at: end.toISOString() }
            : giveUp
              ? { status: 'failed' }
              : {
                  next_attempt_at: new Date(end.getTime() + retryDelaySeconds(attempts) * 1000).toISOString(),
                }),
        },
      ),
    );
    if (ok) result.delivered++;
    else if (giveUp) result.gaveUp++;
    else result.failed++;
  }
  return result;
}
