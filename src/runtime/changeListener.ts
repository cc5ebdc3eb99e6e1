// LISTEN on the change channel (store/repositories/changeNotices.ts) over a dedicated
// PostgreSQL connection, outside the pool: a notice from any instance or the CLI reaches
// every running instance within milliseconds of its commit. The connection reconnects by
// itself (backing off to `maxBackoffMs`); notices sent while it was away are lost, so
// after every (re)connection `onResync` drops whatever the caches hold, and the caches'
// own TTLs bound staleness while no connection can be made.
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { CHANGE_CHANNEL, type ChangeNotice, parseChangeNotice } from '../store/repositories/changeNotices.js';

export interface ChangeListenerOptions {
  url: string;
  logger: Logger;
  onNotice: (notice: ChangeNotice) => void;
  /** Called once listening (again): notices may have been missed meanwhile. */
  onResync: () => void;
  maxBackoffMs?: number;
}

export interface ChangeListener {
  /** Resolves once the first LISTEN is in place (or the first attempt has failed). */
  ready: Promise<void>;
  /** True while a LISTEN is in place. */
  readonly listening: boolean;
  close(): Promise<void>;
}

export function startChangeListener(options: ChangeListenerOptions): ChangeListener {
  const maxBackoffMs = options.maxBackoffMs ?? 5000;
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstAttempt: (() => void) | undefined;
  const ready = new Promise<void>((resolve) => {
    firstAttempt = resolve;
  });

  const retry = (error: unknown) => {
    listening = false;
    const broken = client;
    client = undefined;
    broken?.removeAllListeners();
    broken?.on('error', () => {});
    void broken?.end().catch(() => {});
    if (closed) return;
    if (failures === 0) {
      options.logger.log(
        'warn',
        'change notices not received; caches fall back to their TTL until reconnected',
        {
          error: error instanceof Error ? error.message : String(error),
        },
      );
    }
    failures++;
    timer = setTimeout(connect, Math.min(maxBackoffMs, 100 * 2 ** Math.min(10, failures - 1)));
    timer.unref?.();
  };

  const connect = async () => {
    timer = undefined;
    if (closed) return;
    const next = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: 5000,
      keepAlive: true,
    });
    client = next;
    next.on('error', (error) => {
      if (client === next) retry(error);
    });
    next.on('end', () => {
      if (client === next) retry(new Error('connection ended'));
    });
    next.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL) return;
      const notice = parseChangeNotice(message.payload);
      if (notice) options.onNotice(notice);
    });
    try {
      await next.connect();
      await next.query(`listen ${CHANGE_CHANNEL}`);
      if (closed || client !== next) return;
      listening = true;
      if (failures > 0) options.logger.log('info', 'change notices received again', { failures });
      failures = 0;
      options.onResync();
    } catch (error) {
      if (client === next) retry(error);
    } finally {
      firstAttempt?.();
      firstAttempt = undefined;
    }
  };

  void connect();
  return {
    ready,
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      listening = false;
      if (timer) clearTimeout(timer);
      const open = client;
      client = undefined;
      open?.removeAllListeners();
      open?.on('error', () => {});
      await open?.end().catch(() => {});
    },
  };
}
