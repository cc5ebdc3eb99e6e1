// The SIGEX client against the SIGEX fake on loopback: what it sends, what it keeps of the
// answers, and which failures are "away" (retry) and which are "refused" (give up).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SigexClient,
  SigexRefusedError,
  SigexUnreachableError,
  sigexOverHttp,
} from '../../src/identity/sigexClient.js';
import { type SigexFake, startSigexFake } from '../helpers/sigexFake.js';

let sigex: SigexFake;
let client: SigexClient;
const document = { id: 1, nameRu: 'Документ', nameKz: 'Құжат', nameEn: 'Document', data: 'Y2hhbGxlbmdl' };

beforeAll(async () => {
  sigex = await startSigexFake();
  client = sigexOverHttp({ baseUrl: sigex.url, timeoutSeconds: 2, fetch });
});
afterAll(() => sigex.close());

/** A fetch that answers registration with `body`, as a SIGEX that misbehaves would. */
function answering(body: unknown): SigexClient {
  const fake: typeof fetch = async () =>
    new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  return sigexOverHttp({ baseUrl: sigex.url, timeoutSeconds: 2, fetch: fake });
}

describe('the SIGEX client', () => {
  it('registers a signing and keeps SIGEX’s QR code, URLs, https launch links and expiry', async () => {
    const registration = await client.register('example.kz: identity verification');
    const procedure = sigex.latest();
    expect(procedure.description).toBe('example.kz: identity verification');
    expect(registration).toEqual({
      qrCode: expect.stringMatching(/^iVBORw0KGgo/),
      dataUrl: `${sigex.url}/api/egovQr/${procedure.id}`,
      signUrl: `${sigex.url}/api/egovQr/${procedure.id}`,
      eGovMobileLaunchLink: expect.stringMatching(/^https:\/\/mgovsign\.page\.link\//),
      eGovBusinessLaunchLink: expect.stringMatching(/^https:\/\//),
      expiresAt: new Date(procedure.expireAt),
    });
  });

  it('drops a launch link that is not https, and refuses URLs off SIGEX’s origin', async () => {
    const base = {
      qrCode: 'iVBORw0KGgo=',
      dataURL: `${sigex.url}/api/egovQr/1`,
      signURL: `${sigex.url}/api/egovQr/1`,
    };
    const registration = await answering({ ...base, eGovMobileLaunchLink: 'javascript:alert(1)' }).register(
      'd',
    );
    expect(registration.eGovMobileLaunchLink).toBeUndefined();
    await expect(
      answering({ ...base, signURL: 'http://169.254.169.254/latest' }).register('d'),
    ).rejects.toThrow(SigexRefusedError);
    await expect(answering({ ...base, qrCode: '<svg/>' }).register('d')).rejects.toThrow(SigexRefusedError);
    // expireAt in seconds, not the milliseconds SIGEX sends, is read as seconds.
    const inSeconds = await answering({ ...base, expireAt: 1_900_000_000 }).register('d');
    expect(inSeconds.expiresAt).toEqual(new Date(1_900_000_000_000));
  });

  it('sends the documents to sign as SIGEX’s client does, and resolves once eGov Mobile has them', async () => {
    const { dataUrl, signUrl } = await client.register('d');
    const sent = client.sendDocuments(dataUrl, [document], AbortSignal.timeout(5000));
    const received = await sigex.scan();
    await sent;
    expect(sigex.latest().signMethod).toBe('CMS_SIGN_ONLY');
    const { data, ...names } = document;
    expect(received).toEqual([{ ...names, meta: [], document: { file: { mime: '', data } } }]);
    // Sent again once taken: SIGEX's refusal.
    await expect(client.sendDocuments(dataUrl, [document], AbortSignal.timeout(5000))).rejects.toThrow(
      SigexRefusedError,
    );
    const signatures = client.fetchSignatures(signUrl, AbortSignal.timeout(5000));
    await sigex.sign(async () => new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
    expect(await signatures).toEqual(['MAMCAQE=']);
  });

  it('gives the caller’s abort back as it is (a poll that ended, not SIGEX failing)', async () => {
    const { signUrl } = await client.register('d');
    const controller = new AbortController();
    const waiting = client.fetchSignatures(signUrl, controller.signal);
    controller.abort(new Error('poll over'));
    await expect(waiting).rejects.toThrow('poll over');
  });

  it('is refused when the citizen declines, and away when SIGEX cannot be reached', async () => {
    const { signUrl } = await client.register('d');
    sigex.decline();
    await expect(client.fetchSignatures(signUrl, AbortSignal.timeout(5000))).rejects.toThrow(
      SigexRefusedError,
    );
    const nowhere = sigexOverHttp({ baseUrl: 'http://127.0.0.1:9', timeoutSeconds: 2, fetch });
    const error = await nowhere.register('d').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SigexUnreachableError);
    expect((error as SigexUnreachableError).toProblem()).toMatchObject({ status: 503 });
  });

  it('refuses an answer without a signature for every document', async () => {
    await expect(
      answering({ documentsToSign: [] }).fetchSignatures(`${sigex.url}/x`, AbortSignal.timeout(1000)),
    ).rejects.toThrow(SigexRefusedError);
    await expect(
      answering({ documentsToSign: [{ document: { file: {} } }] }).fetchSignatures(
        `${sigex.url}/x`,
        AbortSignal.timeout(1000),
      ),
    ).rejects.toThrow(SigexRefusedError);
  });
});
