import type { Config } from '../config/config.js';
import type { Locale } from '../i18n/locale.js';
import type { Logger } from '../observability/logger.js';
import type { HttpMetrics } from '../observability/metrics.js';
import type { ApiClient, ApiKeyAuthenticator } from '../services/apiClients.js';
import type { ServiceContext } from '../services/context.js';
import type { IdentitySources } from '../services/identityVerification.js';
import type { RegulatorActor } from '../services/regulator.js';
import type { Session } from '../services/sessions.js';
import type { CookiePolicy } from './cookies.js';
import type { ContractViolation } from './middleware/contractCheck.js';

/** Everything the HTTP layer is built from; the runtime entry point assembles it. */
export interface AppDeps {
  services: ServiceContext;
  identitySources: IdentitySources;
  logger: Logger;
  metrics: HttpMetrics;
  /** Checks the database is reachable and migrations are current (for /readyz). */
  readiness: () => Promise<Record<string, string>>;
  /** A Hono app for the development IdP, mounted at /dev-idp when enabled. */
  devIdp?: { fetch: (request: Request) => Response | Promise<Response> };
  /** Exchange API-key authentication (with its cache). */
  apiKeys: ApiKeyAuthenticator;
  /** When set, every response is checked against the contract (test suites). */
  onContractViolation?: (violation: ContractViolation) => void;
  /** The pages' static assets by file name (scripts built from src/browser, stylesheet, icon). */
  assets: Record<string, { body: string | Uint8Array<ArrayBuffer>; contentType: string }>;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    config: Config;
    cookies: CookiePolicy;
    requestId: string;
    /** The language of this response's texts (middleware/language.ts). */
    locale: Locale;
    session?: Session;
    client?: ApiClient;
    regulator?: RegulatorActor;
  };
}
