// Timers of the Node runtime: the query-log flush, the webhook delivery worker and the
// removal of expired challenges and sessions. All keep their state in the database (or
// flush it there), so stopping and restarting the process loses no delivery; `stop()`
// waits for the run in progress and flushes.
import type { Logger } from '../observability/logger.js';
import type { ServiceContext } from '../services/context.js';
import { purgeExpired } from '../services/housekeeping.js';
import { deliverDueWebhooks } from '../services/webhooks.js';

export interface BackgroundWork {
  stop(): Promise<void>;
}

export function startBackgroundWork(
  services: ServiceContext,
  options: { logger: Logger; send?: typeof fetch; intervalMs?: number },
): BackgroundWork {
  const intervalMs = options.intervalMs ?? 1000;
  const send = options.send ?? fetch;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const tick = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        await services.queryLog.flush();
        await purge();
        const result = await deliverDueWebhooks(services, send);
        if (result.attempted > 0) options.logger.log('info', 'webhook deliveries', { ...result });
      } catch (error) {
        options.logger.log('error', 'background work failed', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
  };
  const timer = setInterval(tick, intervalMs);
  // Expired challenges and sessions are deleted once a minute.
  let lastPurge = 0;
  const purge = async () => {
    const now = services.clock.now().getTime();
    if (now - lastPurge < 60_000) return;
    lastPurge = now;
    const removed = await purgeExpired(services);
    if (removed.challenges + removed.walletChallenges + removed.sessions > 0) {
      options.logger.log('info', 'expired rows removed', { ...removed });
    }
  };
  timer.unref?.();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await services.queryLog.flush();
    },
  };
}
