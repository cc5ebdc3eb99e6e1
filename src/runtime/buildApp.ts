// The whole product from its ports: the use cases' context, the identity sources, the dev
// IdP and the Hono app. Runtime-neutral (no node:*): the Node entry (assemble.ts) and the
// Worker entry (worker.ts) each open their database, secrets, keys and writers their own
// way and hand them here, so both serve the same routes over the same use cases.
import type { Kysely } from 'kysely';
import { createChainDirectory } from '../chains/chainDirectory.js';
import type { TransportFactory } from '../chains/evmChains.js';
import type { Config } from '../config/config.js';
import { createDataProtector, type DataKeys } from '../crypto/dataProtector.js';
import type { Digests } from '../crypto/digests.js';
import type { KeyStore } from '../crypto/keyStore.js';
import type { Clock } from '../domain/clock.js';
import { createOidcClient, type OidcClient } from '../domain/identity/oidc/index.js';
import { createApp } from '../http/app.js';
import { createDevIdp, TEST_PERSONS } from '../http/devIdp/index.js';
import type { AppDeps } from '../http/env.js';
import { createX509Source } from '../identity/x509Source.js';
import type { Logger } from '../observability/logger.js';
import { HttpMetrics } from '../observability/metrics.js';
import { ApiKeyAuthenticator } from '../services/apiClients.js';
import type { ServiceContext } from '../services/context.js';
import { databaseGrantStores } from '../services/devIdpGrants.js';
import type { IdentitySources } from '../services/identityVerification.js';
import type { InterestWriter } from '../services/interest.js';
import type { QueryLogOptions, QueryLogWriter } from '../services/queryLog.js';
import { MemoryRateLimiter, type RateLimiter } from '../services/rateLimiter.js';
import type { Database } from '../store/database.js';
import { databaseReadiness } from '../store/readiness.js';
import type { UnitOfWork } from '../store/transaction.js';

export const DEV_CLIENT_ID = 'wallet-attest-dev';

/** What a runtime hands over: everything that differs between Node and Workers. */
export interface AppPorts {
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Migrated already. */
  db: Kysely<Database>;
  /** The unit of work of that database's backend (store/transaction.ts). */
  units: UnitOfWork;
  dataKeys: DataKeys;
  /** The dev IdP's signing key (JWK), present when the dev identity source is enabled. */
  devIdpSigningKey?: AppDevIdpKey;
  digests: Digests;
  keys: KeyStore;
  queryLog: QueryLogWriter;
  interest: InterestWriter;
  /** Defaults to buckets in this instance's memory. */
  limiter?: RateLimiter;
  /** Outbound fetch for requests to other origins (tests inject fake IdPs here). */
  fetch: typeof fetch;
  /** How to reach each chain's RPC endpoint (tests inject an in-process EVM here). */
  chainTransport?: TransportFactory;
  /** Reads the x509 source's trust and CRL files named in the config. */
  readFile: (path: string) => Promise<Uint8Array>;
  /** Readiness checks of the runtime's own (e.g. free disk space), next to the database's. */
  readiness?: () => Promise<Record<string, string>>;
  /** The pages' static assets by file name (build/assets on Node). */
  assets: AppDeps['assets'];
  /** Check every response against the HTTP contract (test suites). */
  onContractViolation?: AppDeps['onContractViolation'];
}

type AppDevIdpKey = Parameters<typeof createDevIdp>[0]['signingKey'];

/**
 * How a runtime's query-log writer reports: once when writes start failing (the database
 * is away, the disk is full) and once when they succeed again, not on every retry between.
 */
export function queryLogOptions(logger: Logger): QueryLogOptions {
  let failing = false;
  return {
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
}

export interface BuiltApp {
  app: ReturnType<typeof createApp>;
  services: ServiceContext;
  apiKeys: ApiKeyAuthenticator;
}

export async function buildApp(ports: AppPorts): Promise<BuiltApp> {
  const { config, clock, logger, db } = ports;
  const services: ServiceContext = {
    db,
    units: ports.units,
    protector: await createDataProtector(ports.dataKeys, ports.digests),
    digests: ports.digests,
    clock,
    config,
    chains: createChainDirectory(config.chains, ports.chainTransport),
    keys: ports.keys,
    limiter: ports.limiter ?? new MemoryRateLimiter(),
    queryLog: ports.queryLog,
    interest: ports.interest,
  };

  // Requests to our own origin (the dev IdP) are served in-process: no network hop, and
  // it works where a service cannot call itself over the network (Workers).
  let appRef: AppDeps['devIdp'];
  const outbound = ports.fetch;
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
      signingKey: ports.devIdpSigningKey!,
      // ES256, with the key kept under DATA_DIR (an RS256 key would be made anew at each start).
      clients: [{ clientId: DEV_CLIENT_ID, redirectUris: [redirectUri], idTokenSignedResponseAlg: 'ES256' }],
      persons: TEST_PERSONS,
      clock,
      // In the database, so a sign-in started on one instance can finish on another.
      grants: databaseGrantStores(services),
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
  const x509 = await createX509Source(config, { fetch: outbound, clock, logger, readFile: ports.readFile });
  const identitySources: IdentitySources = { oidc, ...(x509 ? { x509 } : {}) };

  const apiKeys = new ApiKeyAuthenticator(services);
  const runtimeReadiness = ports.readiness;
  const app = createApp({
    services,
    identitySources,
    logger,
    metrics: new HttpMetrics(),
    readiness: async (): Promise<Record<string, string>> => ({
      ...(await databaseReadiness(db)),
      ...(runtimeReadiness ? await runtimeReadiness() : {}),
    }),
    ...(devIdp ? { devIdp } : {}),
    apiKeys,
    ...(ports.onContractViolation ? { onContractViolation: ports.onContractViolation } : {}),
    assets: ports.assets,
  });
  appRef = app;
  return { app, services, apiKeys };
}
