// Webhooks: an exchange registers URLs; when the status of an account it looked up
// recently changes, a delivery row is written to the outbox in the same transaction as
// the change. A worker sends due deliveries, signed, and retries failures with
// exponential backoff until they are WEBHOOK_RETRY_HOURS old. Delivery is at least once:
// receivers deduplicate by the delivery ID. Receivers are served in parallel from a
// bounded pool, each one request at a time, so a slow or dead receiver delays only its
// own deliveries.

import { newId, newToken } from '../crypto/tokens.js';
import { InvalidWebhookUrlError, NotFoundError } from '../domain/errors.js';
import { SIGNATURE_HEADER, signWebhook } from '../domain/exchange/webhookSignature.js';
import type { WebhookDeliveryRow, WebhookRow } from '../store/database.js';
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
  await ctx.units.run(async (trx) => {
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
  await ctx.units.run(async (trx) => {
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

export type DeliveryOutcome = 'delivered' | 'failed' | 'gaveUp';

/** The lease outlives the request timeout, so no other worker sends the delivery meanwhile. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Leases the head delivery of up to `limit` receivers that are not busy, here
 * (`busyWebhookIds`) or on another worker (a live lease on their head).
 */
async function leaseDueDeliveries(
  ctx: ServiceContext,
  limit: number,
  busyWebhookIds: readonly string[],
): Promise<WebhookDeliveryRow[]> {
  if (limit <= 0) return [];
  const now = ctx.clock.now();
  const until = new Date(now.getTime() + ctx.config.exchange.webhookTimeoutSeconds * 1000 + LEASE_MARGIN_MS);
  const leased: WebhookDeliveryRow[] = [];
  for (const delivery of await dueDeliveries(ctx.db, now, limit, busyWebhookIds)) {
    if (await leaseDelivery(ctx.db, delivery.id, now, until)) leased.push(delivery);
  }
  return leased;
}

/** One signed attempt of a leased delivery, and its record (which releases the lease). */
async function attemptDelivery(
  ctx: ServiceContext,
  send: typeof fetch,
  delivery: WebhookDeliveryRow,
): Promise<DeliveryOutcome> {
  const timeoutMs = ctx.config.exchange.webhookTimeoutSeconds * 1000;
  const start = ctx.clock.now();
  const webhook = await findWebhook(ctx.db, delivery.webhook_id);
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
  await ctx.units.run((trx) =>
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
  return ok ? 'delivered' : giveUp ? 'gaveUp' : 'failed';
}

function tally(result: DeliveryRunResult, outcome: DeliveryOutcome): void {
  result.attempted++;
  result[outcome]++;
}

/**
 * Sends what is due now and waits for it: receivers in parallel (at most
 * WEBHOOK_CONCURRENCY at a time), each receiver's deliveries one after another, up to
 * `limit` attempts. The runtime uses a `WebhookDispatcher` instead, which does not wait
 * for a pass to end before starting the next receiver's delivery.
 */
export async function deliverDueWebhooks(
  ctx: ServiceContext,
  send: typeof fetch,
  limit = 20,
): Promise<DeliveryRunResult> {
  const result: DeliveryRunResult = { attempted: 0, delivered: 0, failed: 0, gaveUp: 0 };
  while (result.attempted < limit) {
    const slots = Math.min(ctx.config.exchange.webhookConcurrency, limit - result.attempted);
    const leased = await leaseDueDeliveries(ctx, slots, []);
    if (leased.length === 0) break;
    for (const outcome of await Promise.all(leased.map((d) => attemptDelivery(ctx, send, d)))) {
      tally(result, outcome);
    }
  }
  return result;
}

export interface DeliveryReport {
  webhookId: string;
  deliveryId: string;
  /** Absent when the attempt could not be recorded (its lease runs out and it is retried). */
  outcome?: DeliveryOutcome;
  error?: unknown;
}

/** Longest pause a failing webhook gets from one instance's pool (see WebhookDispatcher). */
const REST_CAP_SECONDS = 300;

/**
 * The runtime's delivery worker: a pool of at most WEBHOOK_CONCURRENCY requests in
 * flight, at most one per webhook. `dispatch()` fills the free slots with the heads of
 * idle receivers' queues and returns without waiting for the requests; each one reports
 * when it ends (so the caller can refill its slot at once). A receiver that hangs holds
 * one slot for at most WEBHOOK_TIMEOUT_SECONDS per attempt and delays only its own queue.
 *
 * After a failed attempt the webhook's queue rests (10 s, doubling with each failure in a
 * row, at most five minutes; a delivery ends it): without that, a dead receiver's backlog
 * (older than anyone else's, so first in line) would take its slot again each time it
 * frees, and a few dead receivers could hold the whole pool.
 */
export class WebhookDispatcher {
  /** Requests in flight, by webhook ID. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Webhooks whose last attempts failed: failures in a row, and until when they rest. */
  private readonly resting = new Map<string, { failures: number; untilMs: number }>();
  private closed = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly send: typeof fetch,
    private readonly onSettled: (report: DeliveryReport) => void,
  ) {}

  get active(): number {
    return this.inFlight.size;
  }

  /** Starts due deliveries in the free slots; resolves with how many it started. */
  async dispatch(): Promise<number> {
    if (this.closed) return 0;
    const free = this.ctx.config.exchange.webhookConcurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const now = this.ctx.clock.now().getTime();
    const skipped = [...this.inFlight.keys()];
    for (const [webhookId, rest] of this.resting) if (rest.untilMs > now) skipped.push(webhookId);
    const leased = await leaseDueDeliveries(this.ctx, free, skipped);
    for (const delivery of leased) {
      const webhookId = delivery.webhook_id;
      const report = { webhookId, deliveryId: delivery.id };
      const request = attemptDelivery(this.ctx, this.send, delivery).then(
        (outcome) => ({ ...report, outcome }),
        (error: unknown) => ({ ...report, error }),
      );
      this.inFlight.set(
        webhookId,
        request.then((settled) => {
          this.inFlight.delete(webhookId);
          this.rest(settled);
          try {
            this.onSettled(settled);
          } catch {
            // A report that cannot be handled must not become an unhandled rejection.
          }
        }),
      );
    }
    return leased.length;
  }

  private rest(report: DeliveryReport): void {
    if (report.outcome === 'delivered') {
      this.resting.delete(report.webhookId);
    } else if (report.outcome === 'failed') {
      const failures = (this.resting.get(report.webhookId)?.failures ?? 0) + 1;
      const seconds = Math.min(REST_CAP_SECONDS, retryDelaySeconds(failures));
      this.resting.set(report.webhookId, {
        failures,
        untilMs: this.ctx.clock.now().getTime() + seconds * 1000,
      });
    }
  }

  /** Takes no new deliveries and waits for those in flight (each bounded by its timeout). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.inFlight.values());
  }
}
