// The Node HTTP server around the app: the limits a public server needs (header, body and
// idle timeouts, a connection cap) and honest keep-alive. `npm start` and the test
// servers use this one function, so every suite runs behind the same edge.
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { HttpServerConfig } from '../config/config.js';

type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * A response given before the request's body was read (413, 415, 401 to a large upload)
 * leaves the rest of the body on the socket. Reusing that connection would mean reading
 * and discarding it first, and the adapter gives up on that after half a second and
 * destroys the socket, so the client's next request on it fails. Saying `Connection:
 * close` lets the client open a new connection instead.
 */
/** What the adapter passes of Node's request (HTTP/1 or HTTP/2). */
type Incoming = { complete?: boolean; method?: string | undefined };

function closeIfBodyUnread(response: Response, incoming: Incoming | undefined): Response {
  if (!incoming || incoming.complete || incoming.method === 'GET' || incoming.method === 'HEAD')
    return response;
  const headers = new Headers(response.headers);
  headers.set('connection', 'close');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export function createNodeServer(fetch: FetchHandler, limits: HttpServerConfig): Server {
  const server = createAdaptorServer({
    fetch: async (request: Request, env: { incoming?: Incoming }) =>
      closeIfBodyUnread(await fetch(request), env?.incoming),
    serverOptions: {
      headersTimeout: limits.headersTimeoutMs,
      // A request whose body has not arrived by then is answered 408 and its connection
      // closed (a body trickled a byte at a time cannot hold a connection for long).
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node checks the two timeouts above; by default only every 30 s.
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(limits.headersTimeoutMs / 4))),
    },
  }) as Server;
  // Beyond this, new connections are closed at once until others end.
  server.maxConnections = limits.maxConnections;
  return server;
}

/**
 * Stops accepting connections, lets in-flight requests finish for up to `graceMs`, then
 * closes what is left. Idle keep-alive connections are closed at once.
 */
export function closeNodeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
