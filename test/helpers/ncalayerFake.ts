// NCALayer on loopback: a WebSocket server (RFC 6455, text frames; written out here rather
// than pulled in as a dependency) that greets with its version like NCALayer does and
// answers the basics module's `sign` with a CMS made by a test PKI citizen's key — what
// NCALayer would return after the citizen chose a key and typed its password.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type * as pkijs from 'pkijs';
import { signChallengeCms, type TestCitizen } from './pki.js';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface NcaLayerFake {
  /** ws://127.0.0.1:port — the real NCALayer listens on wss://127.0.0.1:13579. */
  url: string;
  /** The key the "citizen" picks; undefined: the citizen cancels. */
  citizen?: TestCitizen;
  /** Certificates NCALayer puts into the CMS next to the signer's. */
  chain: pkijs.Certificate[];
  /** The requests received, parsed. */
  requests: Record<string, unknown>[];
  close(): Promise<void>;
}

function frame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x81, length])
      : length < 65536
        ? Buffer.from([0x81, 126, length >> 8, length & 0xff])
        : Buffer.concat([
            Buffer.from([0x81, 127]),
            Buffer.from(new BigUint64Array([BigInt(length)]).buffer).reverse(),
          ]);
  return Buffer.concat([header, payload]);
}

/** Reads complete client frames (always masked) from `buffer`; returns them and the rest. */
function readFrames(buffer: Buffer): { frames: { opcode: number; payload: Buffer }[]; rest: Buffer } {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const opcode = buffer[offset]! & 0x0f;
    let length = buffer[offset + 1]! & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      if (buffer.length < cursor + 2) break;
      length = buffer.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      if (buffer.length < cursor + 8) break;
      length = Number(buffer.readBigUInt64BE(cursor));
      cursor += 8;
    }
    if (buffer.length < cursor + 4 + length) break;
    const mask = buffer.subarray(cursor, cursor + 4);
    const payload = Buffer.from(buffer.subarray(cursor + 4, cursor + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
    frames.push({ opcode, payload });
    offset = cursor + 4 + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

async function answer(fake: NcaLayerFake, request: Record<string, unknown>): Promise<unknown> {
  const args = request.args as { format?: string; data?: string } | undefined;
  if (request.module !== 'kz.gov.pki.knca.basics' || request.method !== 'sign' || args?.format !== 'cms') {
    return { status: false, code: '500', message: 'Unsupported request' };
  }
  if (!fake.citizen) return { status: false, code: '500', message: 'action.canceled' };
  const cms = await signChallengeCms({
    challenge: new Uint8Array(Buffer.from(args.data ?? '', 'base64')),
    signerKey: fake.citizen.keys.privateKey,
    signerCert: fake.citizen.cert,
    extraCerts: fake.chain,
  });
  return { status: true, body: { result: [Buffer.from(cms).toString('base64')] } };
}

function serve(fake: NcaLayerFake, socket: Duplex): void {
  socket.write(frame(JSON.stringify({ result: { version: '1.4' } })));
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
    pending = rest;
    for (const { opcode, payload } of frames) {
      if (opcode === 0x8) {
        socket.end(Buffer.from([0x88, 0]));
        return;
      }
      if (opcode !== 0x1) continue;
      let request: Record<string, unknown>;
      try {
        request = JSON.parse(payload.toString('utf8'));
      } catch {
        socket.write(frame(JSON.stringify({ status: false, message: 'Invalid JSON' })));
        continue;
      }
      fake.requests.push(request);
      answer(fake, request).then(
        (reply) => socket.write(frame(JSON.stringify(reply))),
        () => socket.write(frame(JSON.stringify({ status: false, message: 'Internal error' }))),
      );
    }
  });
  socket.on('error', () => socket.destroy());
}

export async function startNcaLayerFake(): Promise<NcaLayerFake> {
  const server: Server = createServer((_req, res) => res.writeHead(426).end());
  const fake: NcaLayerFake = {
    url: '',
    chain: [],
    requests: [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const sockets = new Set<Duplex>();
  server.on('upgrade', (req, socket) => {
    const key = req.headers['sec-websocket-key'];
    if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const accept = createHash('sha1')
      .update(key + WEBSOCKET_GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(fake, socket);
  });
  const close = fake.close;
  fake.close = async () => {
    for (const socket of sockets) socket.destroy();
    await close();
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
