// The Hono application: Web-standard Request in, Response out, on any runtime.
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  InternalError,
  NotFoundError,
  PayloadTooLargeError,
  type ProblemDetails,
  ProblemError,
  RateLimitedError,
  StorageFaultError,
} from '../domain/errors.js';
import { cookiePolicy } from './cookies.js';
import type { AppDeps, AppEnv } from './env.js';
import { contractCheck } from './middleware/contractCheck.js';
import { chooseLanguage } from './middleware/language.js';
import { observe } from './middleware/observe.js';
import { originCheck } from './middleware/originCheck.js';
import { securityHeaders } from './middleware/securityHeaders.js';
import { loadSession } from './middleware/session.js';
import { refuseNulCharacters } from './middleware/textInput.js';
import { consoleRoutes } from './pages/console/routes.js';
import { errorPage, isBrowserNavigation } from './pages/errorPage.js';
import { pageRoutes } from './pages/routes.js';
import { problemResponse } from './problem.js';
import { auditRoutes, ownAuditRoutes } from './routes/audit.js';
import { citizenRoutes } from './routes/citizen.js';
import { attestationLookupRoutes, webhookRoutes } from './routes/exchange.js';
import { identityRoutes } from './routes/identity.js';
import { logRoutes } from './routes/log.js';
import { operatorRoutes } from './routes/operator.js';
import { publicRoutes } from './routes/public.js';
import { regulatorRoutes } from './routes/regulator.js';
import { walletRoutes } from './routes/wallets.js';
import { webauthnRoutes } from './routes/webauthn.js';

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const config = deps.services.config;
  const cookies = cookiePolicy(config);
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    c.set('deps', deps);
    c.set('config', config);
    c.set('cookies', cookies);
    await next();
  });
  app.use(chooseLanguage());
  app.use(observe());
  if (deps.onContractViolation) app.use(contractCheck(deps.onContractViolation));
  app.use(securityHeaders(config.origin, config.x509?.ncalayerUrl ? [config.x509.ncalayerUrl] : []));
  // Only requests that may carry a body are limited: hono's body limit reads the request as
  // a stream, which on GET and HEAD would only cost (a third of a bare route's throughput).
  const limitBody = bodyLimit({
    maxSize: config.bodyLimitBytes,
    onError: (c) =>
      problemResponse(
        c,
        new PayloadTooLargeError(`Bodies are limited to ${config.bodyLimitBytes} bytes`).toProblem(),
      ),
  });
  app.use((c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));
  app.use(refuseNulCharacters());
  app.use(originCheck());
  app.use(loadSession());

  app.route('/', publicRoutes());
  app.route('/v1/identity', identityRoutes());
  app.route('/v1/webauthn', webauthnRoutes());
  app.route('/v1/wallets', walletRoutes());
  app.route('/v1/attestations', attestationLookupRoutes());
  app.route('/v1/webhooks', webhookRoutes());
  app.route('/v1/regulator', regulatorRoutes());
  app.route('/v1/audit', auditRoutes());
  app.route('/v1/operator', operatorRoutes());
  app.route('/log', logRoutes());
  app.route('/v1', ownAuditRoutes());
  app.route('/v1', citizenRoutes());
  if (deps.devIdp) {
    const devIdp = deps.devIdp;
    app.all('/dev-idp/*', (c) => {
      // The dev IdP sees its own paths, as it would on a host of its own.
      const url = new URL(c.req.url);
      url.pathname = url.pathname.slice('/dev-idp'.length) || '/';
      return devIdp.fetch(new Request(url, c.req.raw));
    });
  }
  app.route('/regulator', consoleRoutes());
  app.route('/', pageRoutes());

  app.notFound((c) =>
    answerProblem(c, new NotFoundError(`No route for ${c.req.method} ${c.req.path}`).toProblem()),
  );
  // During an outage every request fails the same way: one log line per kind of fault
  // every half minute says so without flooding the log.
  const lastFaultLogged = new Map<string, number>();
  app.onError((error, c) => {
    if (error instanceof StorageFaultError) {
      const now = Date.now();
      if (now - (lastFaultLogged.get(error.slug) ?? 0) >= 30_000) {
        lastFaultLogged.set(error.slug, now);
        const cause = (error as { cause?: unknown }).cause;
        deps.logger.log('warn', 'storage fault; answering 503', {
          problem: error.slug,
          cause: cause instanceof Error ? cause.message : undefined,
        });
      }
      return answerProblem(c, error.toProblem(), { 'retry-after': String(error.retryAfterSeconds) });
    }
    if (error instanceof ProblemError) {
      if (error.status >= 500)
        deps.logger.log('error', 'upstream failure', { error: error.name, detail: error.message });
      const headers: Record<string, string> =
        error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
      return answerProblem(c, error.toProblem(), headers);
    }
    deps.logger.log('error', 'unhandled error', {
      requestId: c.get('requestId'),
      error: error instanceof Error ? error.name : typeof error,
      detail: error instanceof Error ? error.message : undefined,
      stack: error instanceof Error ? error.stack : undefined,
    });
    return answerProblem(c, new InternalError().toProblem());
  });
  return app;
}

/** A problem as problem+json, or as an error page when a person's browser navigated here. */
function answerProblem(c: Context<AppEnv>, problem: ProblemDetails, headers: Record<string, string> = {}) {
  return isBrowserNavigation(c) ? errorPage(c, problem, headers) : problemResponse(c, problem, headers);
}
