// Timers of the Node runtime: the query-log flush and the webhook delivery worker. Both
// keep their state in the database (or flush it there), so stopping and restarting the
// process loses no delivery; `stop()` waits for the run in progress and flushes.
import type { Logger } from '../observability/logger.js';
import type { ServiceContext } from '../services/context.js';
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
