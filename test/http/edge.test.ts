// The Node server's edge, as a client on the network sees it: keep-alive after a request
// refused before its body was read, a body trickled in, headers that never end, and more
// connections than the cap.
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../exchange/exchangeFlow.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let port: number;
let key: string;
beforeAll(async () => {
  server = await startTestServer({
    HTTP_HEADERS_TIMEOUT_MS: '1000',
    HTTP_REQUEST_TIMEOUT_MS: '1500',
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '5000',
    HTTP_MAX_CONNECTIONS: '4',
  });
  port = Number(new URL(server.baseUrl).port);
  key = (await apiClient(server, ['attestations:read'])).key;
});
afterAll(async () => {
  await server?.close();
});

function send(
  agent: Agent,
  options: { method: string; path: string; body?: Buffer; headers?: Record<string, string> },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: options.method,
        path: options.path,
        headers: options.headers,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Opens a raw connection and collects what the server sends until it closes it. */
function rawConnection(): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    let data = '';
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () =>
      resolve({
        socket,
        received: () => data,
        closed: new Promise((done) => socket.once('close', () => done(Date.now() - started))),
      }),
    );
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

describe('the HTTP edge', () => {
  it('closes a connection whose body it did not read, so keep-alive clients do not fail', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const large = Buffer.alloc(2 * 1024 * 1024, 0x61);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const refused = await send(agent, {
          method: 'POST',
          path: '/v1/attestations/query',
          body: large,
          headers: { 'content-type': 'application/json', origin: server.baseUrl },
        });
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(refused.headers.connection).toBe('close');
        statuses.push(refused.status);
        statuses.push((await send(agent, { method: 'GET', path: '/healthz' })).status);
      }
      expect(statuses).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 413 : 200)));
    } finally {
      agent.destroy();
    }
  });

  it('keeps a connection open after a request whose body it read', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const answer = await send(agent, {
        method: 'POST',
        path: '/v1/attestations/query',
        body: Buffer.from('{"accounts":["eip155:1:0x000000000000000000000000000000000000dEaD"]}'),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.connection).toBe('keep-alive');
    } finally {
      agent.destroy();
    }
  });

  it('answers 408 to a body trickled in slower than the request timeout, and closes', async () => {
    const connection = await rawConnection();
    connection.socket.write(
      `POST /v1/attestations/query HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
    );
    const trickle = setInterval(() => connection.socket.write(' '), 300);
    try {
      const after = await connection.closed;
      expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
      // Cut off near the 1.5 s limit, not after the 100 bytes would have taken (30 s).
      expect(after).toBeLessThan(5000);
    } finally {
      clearInterval(trickle);
    }
  });

  it('answers 408 to headers that never end', async () => {
    const connection = await rawConnection();
    connection.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    const after = await connection.closed;
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(after).toBeLessThan(5000);
  });

  it('accepts no more connections than HTTP_MAX_CONNECTIONS, and more once some close', async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => rawConnection()));
    try {
      // The fifth is closed at once, without an answer.
      const extra = await rawConnection();
      extra.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await extra.closed;
      expect(extra.received()).toBe('');
    } finally {
      for (const connection of held) connection.socket.destroy();
    }
    await Promise.all(held.map((connection) => connection.closed));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  });
});
