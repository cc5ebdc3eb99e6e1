// Unauthenticated routes: published keys and metadata, health and metrics.
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';

export function publicRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/.well-known/jwks.json', (c) => {
    c.header('cache-control', 'public, max-age=300');
    // Attestation signing keys are published here once attestations are issued.
    return c.json({ keys: [] });
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const checks = await c.get('deps').readiness();
    const ready = Object.values(checks).every((v) => v === 'ok');
    c.header('cache-control', 'no-store');
    return c.json({ status: ready ? 'ok' : 'unavailable', checks }, ready ? 200 : 503);
  });

  app.get('/metrics', (c) => {
    c.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(c.get('deps').metrics.render());
  });

  return app;
}
