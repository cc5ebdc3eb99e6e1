// The product for the Node runtime from a Config: the database (better-sqlite3 or pg,
// migrated), secrets and keys from the environment or files under DATA_DIR, the query-log
// writers, and the pages' scripts built into build/assets; buildApp does the rest. Tests
// use it too, so the suites exercise exactly what `npm start` serves.
import { readFile, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Kysely } from 'kysely';
import type { TransportFactory } from '../chains/evmChains.js';
import type { Config } from '../config/config.js';
import { type Clock, systemClock } from '../domain/clock.js';
import type { AppDeps } from '../http/env.js';
import { createJsonLogger, type Logger } from '../observability/logger.js';
import type { ApiKeyAuthenticator } from '../services/apiClients.js';
import type { ServiceContext } from '../services/context.js';
import {
  directInterestWriter,
  type InterestWriter,
  rememberingInterestWriter,
} from '../services/interest.js';
import { BufferedQueryLog, type QueryLogWriter } from '../services/queryLog.js';
import type { Database } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import type { OpenDatabaseOptions } from '../store/sqlite.js';
import { unitsOf } from '../store/transaction.js';
import { loadBrowserAssets } from './browserAssets.js';
import { buildApp, queryLogOptions } from './buildApp.js';
import { startChangeListener } from './changeListener.js';
import { openDatabase } from './database.js';
import { openKeyStore } from './fileKeyStore.js';
import { nodeDigests } from './nodeDigests.js';
import { writerThread } from './queryLogThread.js';
import { RedisRateLimiter } from './redisRateLimiter.js';
import { loadSecrets } from './secrets.js';

export { DEV_CLIENT_ID } from './buildApp.js';

export interface AssembleOptions {
  clock?: Clock;
  logger?: Logger;
  /** Outbound fetch for requests to other origins (tests inject fake IdPs here). */
  fetch?: typeof fetch;
  /** Check every response against the HTTP contract (test suites). */
  onContractViolation?: AppDeps['onContractViolation'];
  /** How to reach each chain's RPC endpoint (tests inject an in-process EVM here). */
  chainTransport?: TransportFactory;
  /** Kysely's query log hook on the service's database (the query-plan test uses it). */
  databaseLog?: OpenDatabaseOptions['log'];
}

/**
 * On an SQLite file the query log and exchange interest are written by a thread with its
 * own connection, so neither a flush nor waiting for the write lock holds the event loop
 * (see queryLogThread.ts); a PostgreSQL pool already gives them connections of their own
 * and its writes are asynchronous.
 */
function openWriters(
  config: Config,
  db: Kysely<Database>,
  logger: Logger,
): { queryLog: QueryLogWriter; interest: InterestWriter } {
  const options = queryLogOptions(logger);
  if (config.database.kind === 'sqlite' && config.database.filename !== ':memory:') {
    const thread = writerThread(config.database.filename, options);
    return { queryLog: thread.queryLog, interest: rememberingInterestWriter(thread.interest) };
  }
  return {
    queryLog: new BufferedQueryLog(db, options),
    interest: rememberingInterestWriter(directInterestWriter(db)),
  };
}

/**
 * SQLite allocates pages in memory and writes them at commit, so a disk that is nearly
 * full is seen here (free space of the data directory's file system) before commits fail.
 */
async function storageHeadroom(directory: string, minFreeBytes: number): Promise<string> {
  try {
    const stats = await statfs(directory);
    return stats.bavail * stats.bsize >= minFreeBytes ? 'ok' : 'low';
  } catch {
    return 'unreadable';
  }
}

export interface AssembledApp {
  app: Awaited<ReturnType<typeof buildApp>>['app'];
  db: Kysely<Database>;
  services: ServiceContext;
  apiKeys: ApiKeyAuthenticator;
  /** Flushes the query log, then closes the database. */
  close(): Promise<void>;
}

export async function assemble(config: Config, options: AssembleOptions = {}): Promise<AssembledApp> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createJsonLogger(config.logLevel);
  const secrets = await loadSecrets(config);
  const db = await openDatabase(config, options.databaseLog ? { log: options.databaseLog } : {});
  await migrateToLatest(db);
  const sqliteFile =
    config.database.kind === 'sqlite' && config.database.filename !== ':memory:'
      ? config.database.filename
      : undefined;
  const limiter = sharedRateLimiter(config, logger);
  const { app, services, apiKeys } = await buildApp({
    config,
    clock,
    logger,
    db,
    units: unitsOf(db),
    dataKeys: secrets.dataKeys,
    ...(secrets.devIdpSigningKey ? { devIdpSigningKey: secrets.devIdpSigningKey } : {}),
    digests: nodeDigests,
    keys: await openKeyStore(config, clock.now()),
    ...openWriters(config, db, logger),
    ...(limiter ? { limiter } : {}),
    fetch: options.fetch ?? fetch,
    ...(options.chainTransport ? { chainTransport: options.chainTransport } : {}),
    readFile: async (path) => new Uint8Array(await readFile(path)),
    ...(sqliteFile
      ? {
          readiness: async () => ({
            storage: await storageHeadroom(dirname(sqliteFile), config.storageMinFreeBytes),
          }),
        }
      : {}),
    ...(options.onContractViolation ? { onContractViolation: options.onContractViolation } : {}),
    assets: loadBrowserAssets(),
  });
  // Revocations made on other instances or by the CLI reach this instance's key cache.
  const changes =
    config.database.kind === 'postgres'
      ? startChangeListener({
          url: config.database.url,
          logger,
          onNotice: (notice) => apiKeys.invalidate(notice.keyPrefix),
          onResync: () => apiKeys.clear(),
        })
      : undefined;
  await Promise.all([changes?.ready, limiter?.connected()]);
  return {
    app,
    db,
    services,
    apiKeys,
    async close() {
      await changes?.close();
      await limiter?.close();
      await services.queryLog.close();
      await db.destroy();
    },
  };
}

/**
 * Redis when REDIS_URL is set (several instances share the buckets); otherwise buildApp's
 * in-memory buckets, which on PostgreSQL are worth a line: each instance limits alone.
 */
function sharedRateLimiter(config: Config, logger: Logger): RedisRateLimiter | undefined {
  const store = config.rateLimitStore;
  if (store.kind === 'redis')
    return new RedisRateLimiter({
      url: store.url,
      keyPrefix: store.keyPrefix,
      logger,
      commandTimeoutMs: store.timeoutMs,
    });
  if (config.database.kind === 'postgres') {
    logger.log(
      'info',
      'rate limits are per instance; set REDIS_URL when several instances share this database',
    );
  }
  return undefined;
}
