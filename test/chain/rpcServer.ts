// The in-process test chain served as a JSON-RPC node over real HTTP on loopback, so the
// service reaches it through viem's ordinary `http` transport, with switches for the ways
// a node goes away: refusing every request (HTTP 503 with a JSON-RPC error body, as a load
// balancer in front of a node answers), or taking a transaction and losing the answer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestChain } from '../helpers/chain.js';

interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: number | string | null;
  method: string;
  params?: unknown[];
}

export interface TestRpcServer {
  url: string;
  /** While true, every request is answered 503. */
  down: boolean;
  /** The next `n` eth_sendRawTransaction are forwarded to the chain, and then answered 502. */
  loseSendAnswers: number;
  /** Requests seen, by method (refused ones too). */
  calls: Map<string, number>;
  close(): Promise<void>;
}

export async function startRpcServer(chain: TestChain): Promise<TestRpcServer> {
  const { request } = chain.transport({ chain: chain.chain, retryCount: 0 });
  const state = { down: false, loseSendAnswers: 0, calls: new Map<string, number>() };

  const answer = async (call: JsonRpcRequest) => {
    try {
      const result = await request({ method: call.method, params: call.params } as never);
      return { jsonrpc: '2.0', id: call.id, result };
    } catch (thrown) {
      // The node's own error, under viem's wrapping of it.
      let error = thrown as { code?: number; message?: string; data?: unknown; cause?: unknown };
      while (error.cause && typeof error.data !== 'string') error = error.cause as typeof error;
      const { code, message, data } = error;
      return {
        jsonrpc: '2.0',
        id: call.id,
        error: { code: typeof code === 'number' ? code : -32603, message: message ?? 'internal error', data },
      };
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as JsonRpcRequest | JsonRpcRequest[];
      const calls = Array.isArray(body) ? body : [body];
      for (const call of calls) state.calls.set(call.method, (state.calls.get(call.method) ?? 0) + 1);
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (state.down) {
        return reply(503, { jsonrpc: '2.0', id: null, error: { code: -32000, message: 'node unavailable' } });
      }
      const answers = await Promise.all(calls.map(answer));
      if (state.loseSendAnswers > 0 && calls.some((call) => call.method === 'eth_sendRawTransaction')) {
        state.loseSendAnswers--;
        return reply(502, { jsonrpc: '2.0', id: null, error: { code: -32000, message: 'bad gateway' } });
      }
      reply(200, Array.isArray(body) ? answers : answers[0]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
