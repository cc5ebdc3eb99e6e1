// A TCP relay that a test can cut and restore: a server (PostgreSQL, Redis) "going away"
// (a restart, a network fault) while the service under test keeps running.
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

export interface TcpRelay {
  port: number;
  /** Connections refused since the last `shut()`: how often the service tried meanwhile. */
  readonly refused: number;
  /** Drops every relayed connection and refuses new ones until `open()`. */
  shut(): Promise<void>;
  /**
   * Keeps every connection open but passes nothing on, either way, until `open()` (a
   * server that hangs): what was sent meanwhile is lost and those connections are cut.
   */
  stall(): Promise<void>;
  open(): Promise<void>;
  close(): Promise<void>;
}

/** A relay on 127.0.0.1 to `host:port`. */
export async function tcpRelay(host: string, port: number): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  let shut = false;
  let stalled = false;
  let refused = 0;
  const server = createServer((client) => {
    if (shut) {
      refused++;
      client.on('error', () => {});
      client.destroy();
      return;
    }
    client.on('error', () => {});
    if (stalled) {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('data', () => {});
      return;
    }
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => {
      if (!stalled) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!stalled) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get refused() {
      return refused;
    },
    async shut() {
      shut = true;
      refused = 0;
      for (const socket of sockets) socket.destroy();
    },
    async stall() {
      stalled = true;
    },
    async open() {
      if (stalled) for (const socket of sockets) socket.destroy();
      stalled = false;
      shut = false;
    },
    async close() {
      shut = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
