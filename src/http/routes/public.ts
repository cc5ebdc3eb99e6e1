// Unauthenticated routes: published keys, metadata and status lists; health and metrics.
import { Hono } from 'hono';
import { issuerMetadata, publishedJwks } from '../../services/publication.js';
import { publishedStatusList } from '../../services/statusLists.js';
import type { AppEnv } from '../env.js';
import { openApiDocument } from '../openapi.js';

export function publicRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/.well-known/jwks.json', async (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(await publishedJwks(c.get('deps').services));
  });

  app.get('/.well-known/wallet-attestation', async (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(await issuerMetadata(c.get('deps').services));
  });

  app.get('/v1/status-lists/:id', async (c) => {
    const list = await publishedStatusList(c.get('deps').services, c.req.param('id'));
    c.header('etag', list.etag);
    c.header('cache-control', `public, max-age=${list.maxAge}`);
    if (c.req.header('if-none-match') === list.etag) return c.body(null, 304);
    c.header('content-type', 'application/statuslist+jwt');
    return c.body(list.token);
  });

  app.get('/openapi.json', (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(openApiDocument(c.get('config').publicUrl));
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const checks = await c.get('deps').readiness();
    const ready = Object.values(checks).every((v) => v === 'ok');
    c.header('cache-control', 'no-store');
    if (!ready) c.header('retry-after', '5');
    return c.json({ status: ready ? 'ok' : 'unavailable', checks }, ready ? 200 : 503);
  });

  app.get('/metrics', (c) => {
    c.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(c.get('deps').metrics.render());
  });

  return app;
}
