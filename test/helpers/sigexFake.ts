// SIGEX on loopback HTTP, as far as its QR signing API goes (what sigex-qr-signing-client
// calls): POST /api/egovQr registers a procedure and answers the QR code (a real PNG), the
// dataURL and the signURL; POST dataURL is held until eGov Mobile "scans" the QR and takes
// the documents; GET signURL is held until the citizen "signs", then answers the CMS of
// each document. Refusals are SIGEX's: HTTP 200 with a `message`. The test plays the
// citizen's phone: `scan()` takes the documents, `sign()` signs them with a test PKI key.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';

export interface SigexDocumentReceived {
  id: number;
  nameRu: string;
  nameKz: string;
  nameEn: string;
  meta: unknown[];
  document: { file: { mime: string; data: string } };
}

export interface SigexProcedure {
  id: string;
  description: string;
  expireAt: number;
  signMethod?: string;
  documents?: SigexDocumentReceived[];
  /** eGov Mobile took the documents: the QR is used up. */
  scanned: boolean;
  signatures?: string[];
  /** What SIGEX answers the signURL with instead of signatures (the citizen refused, …). */
  refusal?: string;
}

/** Signs the bytes eGov Mobile was given and returns a DER CMS, as the citizen's phone would. */
export type PhoneSigner = (data: Uint8Array) => Promise<Uint8Array>;

export interface SigexFake {
  url: string;
  procedures: Map<string, SigexProcedure>;
  /** Requests received: method and path. */
  requests: { method: string; path: string }[];
  /** How long a procedure lives (SIGEX's expireAt). */
  lifetimeMs: number;
  /** Answer the next registrations with this refusal message instead. */
  refuseRegistration?: string;
  /** Answer the next registrations with this HTTP status and raw body instead (a broken SIGEX). */
  registrationAnswer?: { status: number; body: string };
  /** The most recently registered procedure. */
  latest(): SigexProcedure;
  /** eGov Mobile scans the QR: waits for the documents, takes them and releases the dataURL request. */
  scan(id?: string): Promise<SigexDocumentReceived[]>;
  /** The citizen signs in eGov Mobile: each document's data is signed and the signURL answered. */
  sign(signer: PhoneSigner, id?: string): Promise<void>;
  /** The citizen declines in eGov Mobile: the signURL is answered with SIGEX's message. */
  decline(id?: string): void;
  /** Stops listening (connections refused, held requests cut) until `start()`, on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  if (response.writableEnded || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

const isBase64 = (value: unknown) => typeof value === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(value);

function validDocuments(
  body: unknown,
): body is { signMethod: string; documentsToSign: SigexDocumentReceived[] } {
  const b = body as { signMethod?: unknown; documentsToSign?: unknown } | undefined;
  if (!b || !['CMS_SIGN_ONLY', 'CMS_WITH_DATA'].includes(b.signMethod as string)) return false;
  if (!Array.isArray(b.documentsToSign) || b.documentsToSign.length === 0) return false;
  return b.documentsToSign.every((d: SigexDocumentReceived) => {
    return (
      typeof d?.id === 'number' &&
      ['nameRu', 'nameKz', 'nameEn'].every(
        (k) => typeof d[k as 'nameRu'] === 'string' && d[k as 'nameRu'] !== '',
      ) &&
      Array.isArray(d.meta) &&
      typeof d.document?.file?.mime === 'string' &&
      isBase64(d.document.file.data)
    );
  });
}

// A PNG of the procedure ID's bits as black and white modules: a real image the page can show.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
export function qrLikePng(seed: string, modules = 21, scale = 6): Buffer {
  const size = modules * scale;
  const bits = Buffer.from(seed.repeat(Math.ceil((modules * modules) / 8 / seed.length) + 1), 'utf8');
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(size + 1); // filter byte 0, then one grey byte per pixel
    for (let x = 0; x < size; x++) {
      const index = Math.floor(y / scale) * modules + Math.floor(x / scale);
      row[x + 1] = (bits[index >> 3]! >> (index & 7)) & 1 ? 0 : 255;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export async function startSigexFake(o: { port?: number } = {}): Promise<SigexFake> {
  const procedures = new Map<string, SigexProcedure>();
  const requests: { method: string; path: string }[] = [];
  // Requests SIGEX is holding open, by procedure.
  const dataHeld = new Map<string, ServerResponse>();
  const signHeld = new Map<string, ServerResponse[]>();
  let counter = 0;
  let url = '';

  const expired = (p: SigexProcedure) => Date.now() >= p.expireAt;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    requests.push({ method: request.method ?? '', path });
    if (request.method === 'POST' && path === '/api/egovQr') {
      const body = (await readJson(request)) as { description?: unknown } | undefined;
      if (typeof body?.description !== 'string' || body.description === '') {
        return answer(response, 200, { message: 'description is required' });
      }
      if (fake.refuseRegistration) return answer(response, 200, { message: fake.refuseRegistration });
      if (fake.registrationAnswer) {
        response.writeHead(fake.registrationAnswer.status, { 'content-type': 'application/json' });
        return response.end(fake.registrationAnswer.body);
      }
      const id = `${Date.now().toString(36)}${(counter++).toString(36)}`;
      const procedure: SigexProcedure = {
        id,
        description: body.description,
        expireAt: Date.now() + fake.lifetimeMs,
        scanned: false,
      };
      procedures.set(id, procedure);
      const procedureUrl = `${url}/api/egovQr/${id}`;
      return answer(response, 200, {
        expireAt: procedure.expireAt,
        qrCode: qrLikePng(id).toString('base64'),
        dataURL: procedureUrl,
        signURL: procedureUrl,
        eGovMobileLaunchLink: `https://mgovsign.page.link/?link=${encodeURIComponent(`${procedureUrl}?mgovSign`)}`,
        eGovBusinessLaunchLink: `https://egovbusiness.page.link/?link=${encodeURIComponent(`${procedureUrl}?mgovSign`)}`,
      });
    }
    const match = /^\/api\/egovQr\/([a-z0-9]+)$/.exec(path);
    const procedure = match ? procedures.get(match[1]!) : undefined;
    if (!match) return answer(response, 404, { message: 'not found' });
    if (!procedure) return answer(response, 200, { message: 'Процедура подписания не найдена' });
    if (expired(procedure))
      return answer(response, 200, { message: 'Срок действия процедуры подписания истек' });
    if (request.method === 'POST') {
      const body = await readJson(request);
      if (!validDocuments(body)) return answer(response, 400, { message: 'documentsToSign is malformed' });
      if (procedure.scanned) return answer(response, 200, { message: 'Данные уже переданы' });
      procedure.signMethod = body.signMethod;
      procedure.documents = body.documentsToSign;
      // Sent again (the service's long-poll ended): the newest request is the one answered.
      dataHeld.get(procedure.id)?.destroy();
      dataHeld.set(procedure.id, response);
      response.once('close', () => {
        if (dataHeld.get(procedure.id) === response) dataHeld.delete(procedure.id);
      });
      return;
    }
    if (request.method === 'GET') {
      if (procedure.refusal) return answer(response, 200, { message: procedure.refusal });
      if (procedure.signatures) return answer(response, 200, signaturesBody(procedure));
      const held = signHeld.get(procedure.id) ?? [];
      held.push(response);
      signHeld.set(procedure.id, held);
      response.once('close', () => {
        const list = signHeld.get(procedure.id) ?? [];
        signHeld.set(
          procedure.id,
          list.filter((r) => r !== response),
        );
      });
      return;
    }
    return answer(response, 405, { message: 'method not allowed' });
  };

  const signaturesBody = (procedure: SigexProcedure) => ({
    signMethod: procedure.signMethod,
    documentsToSign: (procedure.documents ?? []).map((document, index) => ({
      ...document,
      document: { file: { mime: document.document.file.mime, data: procedure.signatures![index] } },
    })),
  });

  const releaseSign = (procedure: SigexProcedure) => {
    for (const response of signHeld.get(procedure.id) ?? []) {
      answer(response, 200, procedure.refusal ? { message: procedure.refusal } : signaturesBody(procedure));
    }
    signHeld.delete(procedure.id);
  };

  let server: Server = createServer((request, response) => void handle(request, response));
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const port = await listen(o.port ?? 0);
  url = `http://127.0.0.1:${port}`;

  const pick = (id?: string) => {
    const procedure = id ? procedures.get(id) : [...procedures.values()].at(-1);
    if (!procedure) throw new Error(`No SIGEX procedure ${id ?? '(none registered)'}`);
    return procedure;
  };

  const fake: SigexFake = {
    url,
    procedures,
    requests,
    lifetimeMs: 5 * 60_000,
    latest: () => pick(),
    async scan(id) {
      const procedure = pick(id);
      const deadline = Date.now() + 10_000;
      while (!dataHeld.has(procedure.id)) {
        if (Date.now() > deadline) throw new Error('The service never sent the documents to SIGEX');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      procedure.scanned = true;
      answer(dataHeld.get(procedure.id)!, 200, { signURL: `${url}/api/egovQr/${procedure.id}` });
      dataHeld.delete(procedure.id);
      return procedure.documents!;
    },
    async sign(signer, id) {
      const procedure = pick(id);
      if (!procedure.scanned) await fake.scan(procedure.id);
      procedure.signatures = await Promise.all(
        procedure.documents!.map(async (document) =>
          Buffer.from(await signer(Buffer.from(document.document.file.data, 'base64'))).toString('base64'),
        ),
      );
      releaseSign(procedure);
    },
    decline(id) {
      const procedure = pick(id);
      procedure.refusal = 'Пользователь отказался от подписания';
      releaseSign(procedure);
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    async start() {
      server = createServer((request, response) => void handle(request, response));
      await listen(port);
    },
    async close() {
      await fake.stop().catch(() => {});
    },
  };
  return fake;
}
