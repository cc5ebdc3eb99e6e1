// `npm start`: the whole product on one Node process.
import { ConfigError, loadConfig } from '../config/config.js';
import { createJsonLogger } from '../observability/logger.js';
import { assemble } from './assemble.js';
import { startBackgroundWork } from './backgroundWork.js';
import { guardedFetch } from './guardedFetch.js';
import { closeNodeServer, createNodeServer } from './nodeServer.js';

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
  const server = createNodeServer(app.fetch, config.http);
  server.once('error', (error: NodeJS.ErrnoException) => {
    logger.log('error', 'cannot listen', { host: config.http.host, port: config.port, error: error.message });
    process.exit(1);
  });
  server.listen(config.port, config.http.host, () => {
    const address = server.address();
    logger.log('info', 'listening', {
      host: config.http.host,
      port: typeof address === 'object' && address ? address.port : config.port,
      publicUrl: config.publicUrl,
      identitySources: config.identitySources.join(','),
      database: config.database.kind,
    });
  });
  // As a load balancer expects: stop accepting, let in-flight requests finish (at most
  // HTTP_SHUTDOWN_GRACE_MS), then stop the background work (which flushes the query log)
  // and close the database.
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    logger.log('info', 'shutting down');
    void closeNodeServer(server, config.http.shutdownGraceMs)
      .then(() => background.stop())
      .then(close)
      .then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
