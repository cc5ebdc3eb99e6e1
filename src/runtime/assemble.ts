// Builds the whole product for the Node runtime from a Config: database (migrated),
// secrets, identity sources, the dev IdP and the Hono app. Tests use it too, so the
// suites exercise exactly what `npm start` serves.
import { readFileSync } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Kysely } from 'kysely';
import { createChainDirectory } from '../chains/chainDirectory.js';
import type { TransportFactory } from '../chains/evmChains.js';
import type { Config } from '../config/config.js';
import { createDataProtector } from '../crypto/dataProtector.js';
import { type Clock, systemClock } from '../domain/clock.js';
import { createOidcClient, type OidcClient } from '../domain/identity/oidc/index.js';
import { createApp } from '../http/app.js';
import { createDevIdp, TEST_PERSONS } from '../http/devIdp/index.js';
import type { AppDeps } from '../http/env.js';
import { createX509Source } from '../identity/x509Source.js';
import { createJsonLogger, type Logger } from '../observability/logger.js';
import { HttpMetrics } from '../observability/metrics.js';
import { ApiKeyAuthenticator } from '../services/apiClients.js';
import type { ServiceContext } from '../services/context.js';
import type { IdentitySources } from '../services/identityVerification.js';
import {
  directInterestWriter,
  type InterestWriter,
  rememberingInterestWriter,
} from '../services/interest.js';
import { BufferedQueryLog, type QueryLogWriter } from '../services/queryLog.js';
import { MemoryRateLimiter } from '../services/rateLimiter.js';
import type { Database } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { databaseReadiness } from '../store/readiness.js';
import type { OpenDatabaseOptions } from '../store/sqlite.js';
import { openDatabase } from './database.js';
import { openKeyStore } from './fileKeyStore.js';
import { nodeDigests } from './nodeDigests.js';
import { writerThread } from './queryLogThread.js';
import { loadSecrets } from './secrets.js';

export const DEV_CLIENT_ID = 'wallet-attest-dev';

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

function readBrowserBundle(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@simplewebauthn/browser');
  return readFileSync(join(dirname(entry), '..', 'dist', 'bundle', 'index.umd.min.js'), 'utf8');
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
  // Logged once when writes start failing (the database is away, the disk is full) and
  // once when they succeed again, not on every retry in between.
  let failing = false;
  const options = {
    maxBuffered: 1000,
    onError: (error: unknown) => {
      if (failing) return;
      failing = true;
      logger.log('error', 'query log write failed; entries stay buffered and are retried', {
        error: error instanceof Error ? error.message : String(error),
      });
    },
    onRecovered: () => {
      failing = false;
      logger.log('info', 'query log written again');
    },
  };
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
  app: ReturnType<typeof createApp>;
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
  const services: ServiceContext = {
    db,
    protector: await createDataProtector(secrets.dataKeys, nodeDigests),
    digests: nodeDigests,
    clock,
    config,
    chains: createChainDirectory(config.chains, options.chainTransport),
    keys: await openKeyStore(config, clock.now()),
    limiter: new MemoryRateLimiter(),
    ...openWriters(config, db, logger),
  };

  // Requests to our own origin (the dev IdP) are served in-process: no network hop, and
  // it works where a service cannot call itself over the network (Workers).
  let appRef: AppDeps['devIdp'];
  const outbound = options.fetch ?? fetch;
  const fetchRouted: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).origin === config.origin && appRef) return appRef.fetch(request);
    return outbound(request);
  };

  const redirectUri = `${config.publicUrl}/v1/identity/oidc/callback`;
  const oidc: Partial<Record<'oidc' | 'dev', OidcClient>> = {};
  let devIdp: AppDeps['devIdp'];
  if (config.identitySources.includes('dev')) {
    const issuer = `${config.publicUrl}/dev-idp`;
    devIdp = createDevIdp({
      issuer,
      signingKey: secrets.devIdpSigningKey!,
      // ES256, with the key kept under DATA_DIR (an RS256 key would be made anew at each start).
      clients: [{ clientId: DEV_CLIENT_ID, redirectUris: [redirectUri], idTokenSignedResponseAlg: 'ES256' }],
      persons: TEST_PERSONS,
      clock,
    });
    oidc.dev = createOidcClient(
      {
        source: 'dev',
        issuer,
        clientId: DEV_CLIENT_ID,
        redirectUri,
        scopes: ['openid', 'profile'],
        claims: {
          nationalId: 'national_id',
          givenName: 'given_name',
          familyName: 'family_name',
          birthDate: 'birthdate',
        },
        acceptedAcr: [],
        acrLevels: {},
        defaultLevel: 'low',
        country: config.country,
      },
      { fetch: fetchRouted, clock },
    );
  }
  if (config.oidc) {
    const o = config.oidc;
    oidc.oidc = createOidcClient(
      {
        source: 'oidc',
        issuer: o.issuer,
        clientId: o.clientId,
        ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}),
        redirectUri,
        scopes: o.scopes,
        claims: o.claims,
        acceptedAcr: o.acceptedAcr,
        claimsParameter: o.claimsParameter,
        acrLevels: {},
        defaultLevel: o.level,
        country: config.country,
      },
      { fetch: fetchRouted, clock },
    );
  }
  const x509 = await createX509Source(config, {
    fetch: outbound,
    clock,
    logger,
    readFile: async (path) => new Uint8Array(await readFile(path)),
  });
  const identitySources: IdentitySources = { oidc, ...(x509 ? { x509 } : {}) };

  const apiKeys = new ApiKeyAuthenticator(services);
  const app = createApp({
    services,
    identitySources,
    logger,
    metrics: new HttpMetrics(),
    readiness: async (): Promise<Record<string, string>> => ({
      ...(await databaseReadiness(db)),
      ...(config.database.kind === 'sqlite' && config.database.filename !== ':memory:'
        ? { storage: await storageHeadroom(dirname(config.database.filename), config.storageMinFreeBytes) }
        : {}),
    }),
    ...(devIdp ? { devIdp } : {}),
    apiKeys,
    ...(options.onContractViolation ? { onContractViolation: options.onContractViolation } : {}),
    assets: {
      'simplewebauthn-browser.js': {
        body: readBrowserBundle(),
        contentType: 'text/javascript; charset=utf-8',
      },
    },
  });
  appRef = app;
  return {
    app,
    db,
    services,
    apiKeys,
    async close() {
      await services.queryLog.close();
      await db.destroy();
    },
  };
}
