// A TCP relay that a test can cut and restore: a server (PostgreSQL, Redis) "going away"
// (a restart, a network fault) while the service under test keeps running.
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

export interface TcpRelay {
  port: number;
  /** Connections refused since the last `shut()`: how often the service tried meanwhile. */
  readonly refused: number;
  /** Drops every relayed connection and refuses new ones until `open()`. */
  shut(): Promise<void>;
  open(): Promise<void>;
  close(): Promise<void>;
}

/** A relay on 127.0.0.1 to `host:port`. */
export async function tcpRelay(host: string, port: number): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  let shut = false;
  let refused = 0;
  const server = createServer((client) => {
    if (shut) {
      refused++;
      client.on('error', () => {});
      client.destroy();
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
    client.pipe(upstream).pipe(client);
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
    async open() {
      shut = false;
    },
    async close() {
      shut = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
