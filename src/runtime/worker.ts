// The Cloudflare Workers entry: the whole product inside one Durable Object, whose SQLite
// storage is the database (see docs/architecture.md, "Workers: one Durable Object as the
// writer", for why not D1). The Worker forwards every request to that object; its cron
// trigger and the object's alarm run the background work (webhooks, chain publication,
// housekeeping). The object migrates its storage itself, from the same migration list as
// Node, before it serves its first request.
import { DurableObject, type DurableObjectState } from 'cloudflare:workers';
import browserAssets from 'virtual:browser-assets';
import { loadConfig } from '../config/config.js';
import { webDigests } from '../crypto/digests.js';
import { systemClock } from '../domain/clock.js';
import { fromBase64Url } from '../domain/encoding.js';
import type { AppDeps } from '../http/env.js';
import { createJsonLogger, type Logger } from '../observability/logger.js';
import { ChainPublisher } from '../services/chainPublisher.js';
import { purgeExpired } from '../services/housekeeping.js';
import { directInterestWriter, rememberingInterestWriter } from '../services/interest.js';
import { INTEGRATION_BATCH, integrate } from '../services/logIntegrator.js';
import { BufferedQueryLog } from '../services/queryLog.js';
import { deliverDueWebhooks } from '../services/webhooks.js';
import { openDurableObjectDatabase } from '../store/durableObjectSqlite.js';
import { migrateToLatest } from '../store/migrate.js';
import { singleWriterUnits } from '../store/transaction.js';
import { type BuiltApp, buildApp, queryLogOptions } from './buildApp.js';
import { storageClock } from './storageClock.js';
import { loadWorkerSecrets } from './workerSecrets.js';

interface Env {
  SERVICE: {
    idFromName(name: string): unknown;
    get(id: unknown): {
      fetch(request: Request): Promise<Response>;
      runBackgroundWork(options?: { housekeeping: boolean }): Promise<void>;
    };
  };
  [name: string]: unknown;
}

/**
 * After a request, background work runs this soon (webhooks are due at once), unless
 * BACKGROUND_ALARM=off (the test suites run it themselves; the cron still runs).
 */
const ALARM_DELAY_MS = 1000;

/** The variables and secrets of the Worker, without its bindings. */
function environment(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function decodeAssets(): AppDeps['assets'] {
  return Object.fromEntries(
    Object.entries(browserAssets).map(([name, asset]) => [
      name,
      { body: fromBase64Url(asset.base64), contentType: asset.contentType },
    ]),
  );
}

async function start(ctx: DurableObjectState, env: Env): Promise<BuiltApp & { logger: Logger }> {
  const config = loadConfig(environment(env));
  const logger = createJsonLogger(config.logLevel);
  const clock = env.TEST_CLOCK === 'storage' ? storageClock(ctx.storage.sql) : systemClock;
  const db = openDurableObjectDatabase(ctx.storage);
  await migrateToLatest(db);
  const secrets = await loadWorkerSecrets(config, ctx.storage, clock.now());
  const built = await buildApp({
    config,
    clock,
    logger,
    db,
    // The object's storage has one connection, held by a transaction from begin to commit.
    units: singleWriterUnits(db),
    dataKeys: secrets.dataKeys,
    ...(secrets.devIdpSigningKey ? { devIdpSigningKey: secrets.devIdpSigningKey } : {}),
    digests: webDigests,
    keys: secrets.keys,
    queryLog: new BufferedQueryLog(db, queryLogOptions(logger)),
    interest: rememberingInterestWriter(directInterestWriter(db)),
    fetch: (input, init) => fetch(input, init),
    readFile: async (path) => {
      throw new Error(`${path}: a Worker has no files; give the x509 trust and CRLs as URLs`);
    },
    assets: decodeAssets(),
    ...(env.CONTRACT_CHECK === 'enforce'
      ? {
          // A staging or test deployment may refuse to answer outside its published
          // contract: the violation is logged and the response becomes a 500.
          onContractViolation: (violation) => {
            logger.log('error', 'contract violation', { violation: JSON.stringify(violation) });
            throw new Error(`Contract violation: ${JSON.stringify(violation)}`);
          },
        }
      : {}),
  });
  return { ...built, logger };
}

export class WalletAttestService extends DurableObject<Env> {
  private readonly ready: Promise<BuiltApp & { logger: Logger }>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // No request is delivered before the storage is migrated and the app built.
    this.ready = ctx.blockConcurrencyWhile(() => start(ctx, env));
  }

  async fetch(request: Request): Promise<Response> {
    const { app, services } = await this.ready;
    const response = await app.fetch(request);
    this.ctx.waitUntil(services.queryLog.flush());
    if (this.env.BACKGROUND_ALARM !== 'off' && (await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Date.now() + ALARM_DELAY_MS);
    }
    return response;
  }

  /** Soon after a request: what it may have made due (webhooks, chain publications, tiles). */
  async alarm(): Promise<void> {
    await this.runBackgroundWork({ housekeeping: false });
  }

  /**
   * One pass of what the Node runtime's loops do (backgroundWork.ts). Housekeeping only
   * from the cron, once a minute as on Node: run after every request it would remove an
   * expired challenge before its holder is told that it expired.
   */
  async runBackgroundWork(options: { housekeeping: boolean } = { housekeeping: true }): Promise<void> {
    const { services, logger } = await this.ready;
    const passes: [string, () => Promise<unknown>][] = [
      ['webhook dispatch', () => deliverDueWebhooks(services, (input, init) => fetch(input, init))],
      ['chain publisher', () => new ChainPublisher(services).publishDue()],
      ['log integrator', () => integrate(services, { maxEntries: 20 * INTEGRATION_BATCH })],
      ...(options.housekeeping
        ? [['housekeeping', () => purgeExpired(services)] as [string, () => Promise<unknown>]]
        : []),
      ['query-log flush', () => services.queryLog.flush()],
    ];
    for (const [loop, run] of passes) {
      try {
        await run();
      } catch (error) {
        logger.log('error', 'background work failed; the next alarm or cron run retries', {
          loop,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
}

/** The one object holding the database: every request and cron run goes to it. */
function service(env: Env) {
  return env.SERVICE.get(env.SERVICE.idFromName('primary'));
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return service(env).fetch(request);
  },
  scheduled(_controller: unknown, env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }): void {
    ctx.waitUntil(service(env).runBackgroundWork());
  },
};
