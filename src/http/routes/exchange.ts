// The exchange API (SPEC "Exchange"): lookups, batch queries, match, webhooks. Bearer API
// keys with scopes; no cookies, so no CSRF surface.
import { Hono } from 'hono';
import { ACCOUNT_NAMESPACES } from '../../domain/accounts/index.js';
import type { Locale } from '../../i18n/locale.js';
import { matchNationalId } from '../../services/accountMatch.js';
import { type AccountLookup, type AccountLookupError, lookupAccounts } from '../../services/lookups.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  webhookDeliveryLog,
} from '../../services/webhooks.js';
import type { AppEnv } from '../env.js';
import { jsonResponse, readJsonBody } from '../json.js';
import { chargeRate, requireApiClient } from '../middleware/apiClient.js';
import { localizeProblem } from '../problem.js';

/** A batch costs one token per started hundred accounts (the first is charged on entry). */
const ACCOUNTS_PER_TOKEN = 100;

/**
 * A batch answers each malformed account with a problem of its own, in the request's
 * language like any problem document; the service writes them in English, and the
 * language is the HTTP layer's to choose.
 */
function inLanguage(results: (AccountLookup | AccountLookupError)[], locale: Locale) {
  return results.map((result) =>
    'error' in result ? { ...result, error: localizeProblem(result.error, locale) } : result,
  );
}

export function attestationLookupRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/query', requireApiClient('attestations:read'), async (c) => {
    const { accounts } = await readJsonBody<{ accounts: string[] }>(c, 'attestation-query-request');
    const client = c.get('client')!;
    const extra = Math.ceil(accounts.length / ACCOUNTS_PER_TOKEN) - 1;
    if (extra > 0) await chargeRate(c, client, extra);
    const results = await lookupAccounts(c.get('deps').services, client, accounts, 'batch');
    c.header('content-language', c.get('locale'));
    return jsonResponse(c, { results: inLanguage(results, c.get('locale')) });
  });

  app.post('/match', requireApiClient('identity:match'), async (c) => {
    const body = await readJsonBody<{ account: string; nationalId: string }>(c, 'attestation-match-request');
    return c.json(await matchNationalId(c.get('deps').services, c.get('client')!, body));
  });

  app.get('/:account', requireApiClient('attestations:read'), async (c) => {
    // A malformed account is the whole request's problem here (422), unlike in a batch.
    const account = ACCOUNT_NAMESPACES.parse(c.req.param('account')).id;
    const [result] = await lookupAccounts(c.get('deps').services, c.get('client')!, [account], 'lookup');
    return jsonResponse(c, inLanguage([result!], c.get('locale'))[0]!);
  });

  return app;
}

export function webhookRoutes() {
  const app = new Hono<AppEnv>();
  app.use('*', requireApiClient('webhooks:manage'));

  app.post('/', async (c) => {
    const body = await readJsonBody<{ url: string; description?: string }>(c, 'webhook-create-request');
    return c.json(await createWebhook(c.get('deps').services, c.get('client')!, body), 201);
  });

  app.get('/', async (c) =>
    c.json({ webhooks: await listWebhooks(c.get('deps').services, c.get('client')!) }),
  );

  app.get('/:id', async (c) =>
    c.json({ webhook: await getWebhook(c.get('deps').services, c.get('client')!, c.req.param('id')) }),
  );

  app.get('/:id/deliveries', async (c) =>
    c.json({
      deliveries: await webhookDeliveryLog(c.get('deps').services, c.get('client')!, c.req.param('id')),
    }),
  );

  app.delete('/:id', async (c) => {
    await deleteWebhook(c.get('deps').services, c.get('client')!, c.req.param('id'));
    return c.body(null, 204);
  });

  return app;
}
