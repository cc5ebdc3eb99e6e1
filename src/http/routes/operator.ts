// The operator's API (SPEC "Operator"): what `npm run cli` does against a database file or
// PostgreSQL, for a runtime whose database the CLI cannot open (the Worker's Durable
// Object). Each change is the same use case as the CLI's, audited as the operator's.
import { Hono } from 'hono';
import type { BucketRule } from '../../domain/exchange/rateLimit.js';
import { createApiClient, listClients, revokeApiClient } from '../../services/apiClients.js';
import { listOfficers, setRegulatorRole } from '../../services/regulator.js';
import type { AppEnv } from '../env.js';
import { readJsonBody } from '../json.js';
import { requireOperator } from '../middleware/operator.js';

export function operatorRoutes() {
  const app = new Hono<AppEnv>();
  app.use('*', requireOperator());

  app.post('/api-clients', async (c) => {
    const body = await readJsonBody<{ name: string; licenseNo: string; scopes: string[]; rate?: BucketRule }>(
      c,
      'operator-api-client-create-request',
    );
    return c.json(await createApiClient(c.get('deps').services, body), 201);
  });

  app.get('/api-clients', async (c) => c.json({ clients: await listClients(c.get('deps').services) }));

  app.post('/api-clients/:id/revocation', async (c) => {
    const { services, apiKeys } = c.get('deps');
    return c.json({ client: await revokeApiClient(services, c.req.param('id'), apiKeys) });
  });

  app.post('/regulator-roles', async (c) => {
    const body = await readJsonBody<{ nationalId: string; granted: boolean }>(
      c,
      'operator-regulator-role-request',
    );
    return c.json(await setRegulatorRole(c.get('deps').services, body.nationalId, body.granted));
  });

  app.get('/regulators', async (c) => {
    const officers = await listOfficers(c.get('deps').services);
    // No national IDs over the network.
    return c.json({ officers: officers.map(({ nationalId: _, ...officer }) => officer) });
  });

  return app;
}
