// Timers of the Node runtime, as three loops that never wait on one another:
// - the query-log flush, every second: the bound on what a crash loses from the log;
// - the webhook dispatcher: a bounded pool of requests, one at a time per receiver,
//   refilled as each one ends and polled every second for newly due deliveries;
// - housekeeping, once a minute: removal of expired challenges and sessions;
// - the chain publisher, every second, where a chain publishes attestations: the outbox
//   of issuances and status changes, put on the chain (services/chainPublisher.ts);
// - the eGov Mobile poller, where SIGEX_URL is set: a bounded pool of long-polls to SIGEX,
//   one per signing in progress, refilled as each step ends (services/egovMobilePoller.ts).
// A webhook receiver that hangs holds one slot of the pool and nothing else. All state is
// in the database (or flushed there), so stopping and restarting the process loses no
// delivery; `stop()` takes no new deliveries, waits for those in flight (each bounded by
// WEBHOOK_TIMEOUT_SECONDS) and flushes the query log.
//
// Several instances on one database: housekeeping and the chain publisher run on one
// instance at a time, the holder of the job's lease (store/repositories/jobLeases.ts),
// taken or renewed before each run and renewed during a long one; the others try again
// at each interval and take the job over once the lease has run out (three intervals
// after its holder died) or was released (its holder stopped). Webhook deliveries and
// chain publications are also leased row by row, so every instance's dispatcher works on
// the outbox at once without two sending one delivery; each instance flushes its own
// query log.
//
// A loop whose run fails (the database unreachable, a full or read-only disk) backs off
// exponentially up to `maxBackoffMs`, logs once when the failures start and once when a
// run succeeds again, and returns to its normal pace by itself. The query-log flush does
// not fail as a run: the writer keeps a failed batch for the next flush and reports the
// failure itself, so the flush stays at its pace and the loss bound holds once the
// database is back.
import { newId } from '../crypto/tokens.js';
import { StorageFaultError } from '../domain/errors.js';
import { sigexFor } from '../identity/x509Source.js';
import type { Logger } from '../observability/logger.js';
import { ChainPublisher } from '../services/chainPublisher.js';
import type { ServiceContext } from '../services/context.js';
import { EgovMobilePoller } from '../services/egovMobilePoller.js';
import { purgeExpired } from '../services/housekeeping.js';
import { INTEGRATION_BATCH, integrate } from '../services/logIntegrator.js';
import { type DeliveryReport, WebhookDispatcher } from '../services/webhooks.js';
import { claimJobLease, releaseJobLease } from '../store/repositories/jobLeases.js';

export interface BackgroundWork {
  stop(): Promise<void>;
}

export interface BackgroundWorkOptions {
  logger: Logger;
  send?: typeof fetch;
  /** Period of the query-log flush and of the dispatcher's poll for due deliveries. */
  intervalMs?: number;
  /** Period of housekeeping. */
  housekeepingIntervalMs?: number;
  /** Longest pause of a failing loop between two tries. */
  maxBackoffMs?: number;
  /** Period of the chain publisher (default `intervalMs`). */
  chainPublishIntervalMs?: number;
  /** Requests to the services the operator configured (SIGEX); default the global fetch. */
  fetch?: typeof fetch;
  /** Names this instance in job leases (default a random ID). */
  instanceId?: string;
}

/** Leased jobs: one instance at a time runs each. */
export const LEASED_JOBS = {
  housekeeping: 'housekeeping',
  chainPublisher: 'chain-publisher',
  logIntegrator: 'log-integrator',
} as const;

export function startBackgroundWork(
  services: ServiceContext,
  options: BackgroundWorkOptions,
): BackgroundWork {
  const { logger } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const maxBackoffMs = Math.max(intervalMs, options.maxBackoffMs ?? 30_000);
  const leases = jobLeases(services, options.instanceId ?? newId());

  const flush = startLoop('query-log flush', () => services.queryLog.flush(), {
    intervalMs,
    maxBackoffMs,
    logger,
  });

  let lostRecord: unknown;
  const onSettled = (report: DeliveryReport) => {
    if (report.error !== undefined) {
      // The attempt's result could not be written: its lease runs out and it is retried.
      // The next run of the loop reports the failure (and backs off if it persists).
      lostRecord = report.error;
    } else if (report.outcome !== 'delivered') {
      logger.log('info', 'webhook delivery not accepted', {
        webhookId: report.webhookId,
        deliveryId: report.deliveryId,
        outcome: report.outcome,
      });
    }
    dispatch.wake();
  };
  const dispatcher = new WebhookDispatcher(services, options.send ?? fetch, onSettled);
  const dispatch = startLoop(
    'webhook dispatch',
    async () => {
      if (lostRecord !== undefined) {
        const error = lostRecord;
        lostRecord = undefined;
        throw error;
      }
      await dispatcher.dispatch();
    },
    { intervalMs, maxBackoffMs, logger },
  );

  const housekeepingIntervalMs = options.housekeepingIntervalMs ?? 60_000;
  const housekeeping = startLoop(
    'housekeeping',
    leases.run(LEASED_JOBS.housekeeping, 3 * housekeepingIntervalMs, async () => {
      const removed = await purgeExpired(services);
      if (Object.values(removed).some((count) => count > 0)) {
        logger.log('info', 'expired rows removed', { ...removed });
      }
    }),
    {
      intervalMs: housekeepingIntervalMs,
      maxBackoffMs: Math.max(housekeepingIntervalMs, maxBackoffMs),
      logger,
    },
  );

  // An unreachable chain fails the run, so the loop backs off and logs the outage once;
  // the rows stay pending with their own retry times, which survive a restart.
  const publishing = [...services.chains.values()].some((chain) => chain.attestations);
  const publisher = new ChainPublisher(services);
  const chainPublishIntervalMs = options.chainPublishIntervalMs ?? intervalMs;
  const publish = publishing
    ? startLoop(
        'chain publisher',
        leases.run(LEASED_JOBS.chainPublisher, 3 * chainPublishIntervalMs, async () => {
          const report = await publisher.publishDue();
          if (report.unreachable.size > 0) {
            const [[chain, error]] = [...report.unreachable] as [[string, string]];
            throw new Error(`Publishing on ${chain} failed: ${error}`);
          }
          if (report.failed > 0) logger.log('error', 'chain publications refused', { failed: report.failed });
          if (report.published > 0) publish?.wake();
        }),
        { intervalMs: chainPublishIntervalMs, maxBackoffMs, logger },
      )
    : undefined;

  // The audit log's tiles and subject index follow the committed entries, a bounded
  // number per run so that stop() never waits on a long backlog (services/logIntegrator.ts).
  const integrateIntervalMs = services.config.transparencyLog.integrateIntervalMs;
  const integration = startLoop(
    'log integrator',
    leases.run(LEASED_JOBS.logIntegrator, 3 * integrateIntervalMs, async () => {
      const report = await integrate(services, { maxEntries: 20 * INTEGRATION_BATCH });
      if (report.to - report.from === 20 * INTEGRATION_BATCH) integration.wake();
    }),
    { intervalMs: integrateIntervalMs, maxBackoffMs, logger },
  );

  // SIGEX away fails no run: each signing waits out its own backoff, kept in its row. The
  // outage is logged once when a step first finds SIGEX away, and once when one reaches it.
  const egovMobile = services.config.x509?.egovMobile;
  let egov: Loop | undefined;
  let sigexAway = false;
  const poller = egovMobile
    ? new EgovMobilePoller(services, sigexFor(egovMobile, options.fetch ?? fetch), (report) => {
        if (report.error !== undefined) {
          logger.log('warn', 'eGov Mobile signing step not recorded; retried when its lease ends', {
            error: report.error instanceof Error ? report.error.message : String(report.error),
          });
        } else if (report.outcome === 'unreachable' && !sigexAway) {
          sigexAway = true;
          logger.log(
            'warn',
            'SIGEX cannot be reached; eGov Mobile signings under way are retried until they expire',
          );
        } else if (
          sigexAway &&
          (report.outcome === 'sent' || report.outcome === 'signed' || report.outcome === 'refused')
        ) {
          sigexAway = false;
          logger.log('info', 'SIGEX reached again');
        }
        egov?.wake();
      })
    : undefined;
  egov = poller
    ? startLoop(
        'egov mobile poller',
        async () => {
          await poller.poll();
        },
        { intervalMs, maxBackoffMs, logger },
      )
    : undefined;

  return {
    async stop() {
      await Promise.all([
        dispatch.stop(),
        housekeeping.stop(),
        publish?.stop(),
        egov?.stop(),
        integration.stop(),
      ]);
      await poller?.close();
      await leases.releaseAll();
      await dispatcher.close();
      await flush.stop();
      await services.queryLog.flush();
    },
  };
}

/**
 * Runs of leased jobs: `run(job, leaseMs, work)` is a loop body that does `work` only
 * while this instance holds the job's lease (renewed every third of `leaseMs` while the
 * work runs), and does nothing otherwise.
 */
function jobLeases(services: ServiceContext, holder: string) {
  const held = new Set<string>();
  const claim = async (job: string, leaseMs: number) => {
    const now = services.clock.now();
    const granted = await claimJobLease(services.db, job, holder, now, new Date(now.getTime() + leaseMs));
    if (granted) held.add(job);
    else held.delete(job);
    return granted;
  };
  return {
    run(job: string, leaseMs: number, work: () => Promise<void>): () => Promise<void> {
      return async () => {
        if (!(await claim(job, leaseMs))) return;
        const renewal = setInterval(() => void claim(job, leaseMs).catch(() => {}), leaseMs / 3);
        renewal.unref?.();
        try {
          await work();
        } finally {
          clearInterval(renewal);
        }
      };
    },
    /** Gives up every lease held, so that another instance takes the jobs over at once. */
    async releaseAll(): Promise<void> {
      await Promise.all([...held].map((job) => releaseJobLease(services.db, job, holder).catch(() => {})));
      held.clear();
    },
  };
}

interface Loop {
  /** Runs again as soon as the current run ends (or now), unless it is backing off. */
  wake(): void;
  /** Runs no more; resolves when the run in progress has ended. */
  stop(): Promise<void>;
}

/** Backoff after the n-th failure in a row: the interval doubled n − 1 times, capped. */
export function backoffMs(intervalMs: number, maxBackoffMs: number, failures: number): number {
  return Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
}

/**
 * Runs `run` every `intervalMs`, one run at a time, the first one interval after the
 * start. Failures in a row stretch the pause (see `backoffMs`); the first failure of an
 * outage and the first success after it are logged, nothing in between.
 */
function startLoop(
  name: string,
  run: () => Promise<void>,
  options: { intervalMs: number; maxBackoffMs: number; logger: Logger },
): Loop {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let again = false;
  let failures = 0;
  let failingSince = 0;

  const schedule = (delayMs: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(go, delayMs);
    timer.unref?.();
  };

  const succeeded = () => {
    if (failures > 0) {
      options.logger.log('info', 'background work recovered', {
        loop: name,
        failures,
        outageMs: Date.now() - failingSince,
      });
    }
    failures = 0;
  };

  const failed = (error: unknown) => {
    if (failures === 0) {
      failingSince = Date.now();
      options.logger.log('error', 'background work failing; backing off until it succeeds', {
        loop: name,
        storageFault: error instanceof StorageFaultError ? error.slug : null,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    failures++;
  };

  const go = () => {
    timer = undefined;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = run()
      .then(succeeded, failed)
      .finally(() => {
        running = undefined;
        if (failures > 0) schedule(backoffMs(options.intervalMs, options.maxBackoffMs, failures));
        else schedule(again ? 0 : options.intervalMs);
        again = false;
      });
  };

  schedule(options.intervalMs);
  return {
    wake() {
      if (stopped || failures > 0) return;
      if (running) again = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
