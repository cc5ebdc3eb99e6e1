// `npm start`: the whole product on one Node process.
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig } from '../config/config.js';
import { createJsonLogger } from '../observability/logger.js';
import { assemble } from './assemble.js';
import { startBackgroundWork } from './backgroundWork.js';
import { guardedFetch } from './guardedFetch.js';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createJsonLogger(config.logLevel);
  const { app, services, close } = await assemble(config, { logger });
  // In production, webhook deliveries may not reach internal addresses.
  const send = config.production ? guardedFetch() : fetch;
  const background = startBackgroundWork(services, { logger, send });
  const server = serve({ fetch: app.fetch, port: config.port }, (info) => {
    logger.log('info', 'listening', {
      port: info.port,
      publicUrl: config.publicUrl,
      identitySources: config.identitySources.join(','),
      database: config.database.kind,
    });
  });
  const shutdown = () => {
    logger.log('info', 'shutting down');
    server.close(() => {
      void background
        .stop()
        .then(close)
        .then(() => process.exit(0));
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
